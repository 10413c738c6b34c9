/**
 * Steps the admin e2e specs share: the e2e server's admin token and cluster (to pause, stop and start
 * nodes as an operator would), signing in, and reading a node's card on the admin page.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, expect, type Locator, type Page } from "@playwright/test";
import { startOne, stopOne } from "../../src/cluster/lifecycle";
import { setReplayPaused } from "../../src/cluster/replay";
import { createUser, unique } from "./users";

/** What tests/e2e/serve.ts leaves for the specs, in a file named by the port (the shared server's unless told). */
export function handle(port = Number(process.env.TANDEM_E2E_PORT)): {
  adminToken: string;
  clusterRoot: string;
  serverPid: number;
} {
  return JSON.parse(readFileSync(path.join(os.tmpdir(), `tandem-e2e-${port}.json`), "utf8"));
}

export const adminToken = () => handle().adminToken;

/** Pauses or resumes replay with the cluster tools, as `npm run db:pause` would. */
export const setPaused = (node: string, paused: boolean) =>
  setReplayPaused(node, paused, { root: handle().clusterRoot, log: () => {} });

/** Stops or starts one node with the cluster tools, as `npm run db:down -- replica1` / `db:up -- replica1` would. */
export const setRunning = (node: string, running: boolean) =>
  (running ? startOne : stopOne)(node, { root: handle().clusterRoot, log: () => {} });

/** Signs in on the shared e2e server, or on a spec's own (tests/e2e/own-server.ts). */
export async function signIn(page: Page, server?: { baseURL: string; port: number }) {
  await page.goto(server ? `${server.baseURL}/admin` : "/admin");
  await page.getByLabel("Admin token").fill(handle(server?.port).adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("list", { name: "Nodes" })).toBeVisible();
}

export const nodeCard = (page: Page, name: string) => page.getByRole("region", { name, exact: true });
export const conditionOf = (page: Page, name: string) => nodeCard(page, name).getByTestId("condition");

/** Opens a node card's "All fields" disclosure (where the raw fields are), if it is not open yet. */
export async function showAllFields(card: Locator) {
  const details = card.locator("details");
  if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open)))
    await card.getByText("All fields", { exact: true }).click();
}

/** Picks an item of a node card's Actions menu ("Pause replay on replica1", "Promote replica1…"). */
export async function chooseAction(page: Page, node: string, item: string) {
  await nodeCard(page, node)
    .getByRole("button", { name: `Actions for ${node}` })
    .click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
}

/** The event log's entries, newest first. */
export const eventLog = (page: Page) => page.getByRole("list", { name: "Events" }).getByRole("listitem");

/** The value next to a term in a node card ("State" → "streaming"; raw fields need showAllFields first). */
export const fact = (card: Locator, term: string) =>
  card
    .getByRole("term")
    .filter({ hasText: new RegExp(`^${term}$`) })
    .locator("xpath=following-sibling::dd[1]");

/** The admin page signed in on `page`, and a new user created in another tab: an operator watching while a user works. */
export async function adminWatchingUserTab(page: Page, context: BrowserContext, label: string) {
  await signIn(page);
  const user = unique(label);
  const tab = await context.newPage();
  await createUser(tab, user);
  return { user, tab };
}
