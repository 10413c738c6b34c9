/**
 * Promote from the admin page, and what survives a restart of the app's server: on a server and cluster
 * of this spec's own (a promote is for good). The promote asks first; then writes follow replica1, the
 * old primary is shown fenced, and the event log says what happened. After the app restarts (same
 * cluster, same data root) the event log, the lag history from before and the fenced node are still there.
 */
import { expect, type Page, test } from "@playwright/test";
import { chooseAction, conditionOf, eventLog, handle, signIn } from "./admin";
import { type OwnServer, ownServerForThisFile } from "./own-server";

const ownServer = ownServerForThisFile();

/** The oldest lag sample the server holds for a replica, through the admin API. */
async function oldestLagSample(page: Page, own: OwnServer, node: string): Promise<number | undefined> {
  const answer = await page.request.get(`${own.baseURL}/api/trpc/replication.lagHistory`, {
    headers: { authorization: `Bearer ${handle(own.port).adminToken}` },
  });
  expect(answer.status()).toBe(200);
  const history = (await answer.json()).result.data.json as { replicas: { node: string; samples: { at: number }[] }[] };
  return history.replicas.find((r) => r.node === node)?.samples[0]?.at;
}

test("promote from the page: confirmed first, logged, and after a server restart the events, the lag history and the fenced node remain", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const own = ownServer();
  await signIn(page, own);
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy");
  await expect.poll(() => oldestLagSample(page, own, "replica2")).toBeDefined();
  const oldest = (await oldestLagSample(page, own, "replica2")) as number;

  await chooseAction(page, "replica1", "Promote replica1…");
  const dialog = page.getByRole("alertdialog", { name: "Promote replica1?" });
  await dialog.getByRole("button", { name: "Promote replica1" }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId("status-line")).toContainText("Writes go to replica1");
  await expect(page.getByTestId("status-line")).toBeFocused();
  await expect(conditionOf(page, "primary")).toHaveText("Fenced");
  await expect(conditionOf(page, "replica1")).toHaveText("Promoted · writer");
  const promoted = eventLog(page).filter({ hasText: "replica1 was promoted from this page; primary was fenced." });
  // The promote stops the primary first, so the monitor may see no writer for a moment before replica1.
  const moved = eventLog(page).filter({ hasText: /Writes (go to|moved from primary to) replica1 on timeline 2\./ });
  await expect(promoted).toHaveCount(1);
  await expect(moved).toHaveCount(1);

  await own.restartApp();
  await page.reload(); // the token is kept in the tab
  await expect(page.getByRole("list", { name: "Nodes" })).toBeVisible();
  await expect(page.getByTestId("status-line")).toContainText("Writes go to replica1");
  // The fenced node is no longer one the data layer routes to, and is still on the page.
  await expect(conditionOf(page, "primary")).toHaveText("Fenced");
  await expect(promoted).toHaveCount(1);
  await expect(moved).toHaveCount(2); // the one from before the restart, and the new server's first round
  // The lag history reaches back before the restart.
  expect(await oldestLagSample(page, own, "replica2")).toBeLessThanOrEqual(oldest);
  await expect(
    page.getByRole("img", { name: /^Replication lag over the last 5 minutes: .*\breplica2 now / }),
  ).toBeVisible();
});
