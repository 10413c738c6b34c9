import { expect, test } from "@playwright/test";
import { adminToken, conditionOf, fact, nodeCard, setPaused, signIn } from "./admin";
import { createUser, unique } from "./users";

/**
 * The admin page against the e2e server's cluster. Nothing here promotes a node: the cluster is shared
 * with the other spec files. Pausing replay is always undone (in the test, and again after it).
 *
 * The e2e server runs in production mode on DATABASE_URL, where the admin API's pause/resume/promote
 * answer PRECONDITION_FAILED (they act on the embedded development cluster only) and the page hides
 * those buttons. So replay is paused here with the cluster tools on the server's cluster, and the page
 * is checked for what it shows.
 */

test.afterEach(async () => {
  await setPaused("replica1", false);
  await setPaused("replica2", false);
});

test("the admin page shows the primary writing and both replicas streaming", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("list", { name: "Nodes" }).getByRole("listitem")).toHaveCount(3);

  await expect(conditionOf(page, "primary")).toHaveText("Writer");
  await expect(fact(nodeCard(page, "primary"), "Role")).toHaveText("writer");

  for (const replica of ["replica1", "replica2"]) {
    const card = nodeCard(page, replica);
    await expect(conditionOf(page, replica)).toHaveText("Healthy");
    await expect(fact(card, "Role")).toHaveText("replica");
    await expect(fact(card, "State")).toHaveText("streaming");
    await expect(fact(card, "WAL receiver")).toHaveText("streaming");
    await expect(fact(card, "Replay paused")).toHaveText("no");
  }
  await expect(page.getByText("All replicas are out.")).toBeHidden();

  // The probe reports a visibility latency for each replica.
  await page.getByRole("button", { name: "Run replication probe" }).click();
  const probe = page.getByRole("table", { name: "Visibility latency per replica" });
  await expect(probe.getByRole("row")).toHaveCount(3);
  await expect(probe.getByRole("row", { name: /replica1/ })).toContainText(/\d+ ms/);
  await expect(probe.getByRole("row", { name: /replica2/ })).toContainText(/\d+ ms/);

  // On DATABASE_URL the levers are not offered, and the page says why.
  await expect(page.getByText(/pause, resume and promote need the embedded cluster/)).toBeVisible();
  await expect(page.getByRole("button", { name: /^(Pause replay|Promote)/ })).toHaveCount(0);
});

test("pausing replay on a replica shows it lagging; its creator still reads a new user; resuming heals it", async ({ page, context }) => {
  await signIn(page);
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy");

  await setPaused("replica1", true);
  await expect(conditionOf(page, "replica1")).toContainText("Replay paused");
  await expect(fact(nodeCard(page, "replica1"), "Replay paused")).toHaveText("yes");

  // A user created now, in another tab: the write goes to the primary, and its page reads it back from
  // a node that has replayed it, never from the paused replica1.
  const user = unique("Paused Replay");
  const tab = await context.newPage();
  await createUser(tab, user);
  const details = tab.getByRole("region", { name: "Details" });
  await expect(details.getByRole("definition").filter({ hasText: user.email })).toBeVisible();
  await expect(details.getByText(/^Served by (replica2|primary)\b/)).toBeVisible();

  // The admin page: replica1 falls behind the write and leaves the read set; its lag is no longer zero.
  await expect(conditionOf(page, "replica1")).toHaveText("Replay paused · lagging", { timeout: 15_000 });
  await expect(fact(nodeCard(page, "replica1"), "Health")).toHaveText(/^not routable: replay paused, lagging/);
  await expect(conditionOf(page, "replica2")).toHaveText("Healthy");

  // Reloading the creator's page still shows the user (read-your-writes survives the reload).
  await tab.reload();
  await expect(tab.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
  await expect(details.getByText(/^Served by (replica2|primary)\b/)).toBeVisible();
  await tab.close();

  await setPaused("replica1", false);
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy", { timeout: 15_000 });
  await expect(fact(nodeCard(page, "replica1"), "Replay paused")).toHaveText("no");
});

test("without the admin token the page shows no admin data and the API refuses admin calls", async ({ page, request }) => {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 2, name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("Admin token")).toHaveAttribute("type", "password");
  await expect(page.getByRole("list", { name: "Nodes" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "primary" })).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText(/replica1|streaming/);

  // A wrong token is a sentence under the field, and still shows nothing.
  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Admin token")).toHaveAccessibleDescription("That admin token is not valid. Use the ADMIN_TOKEN the server was started with.");
  await expect(page.getByLabel("Admin token")).toBeFocused();
  await expect(page.getByRole("list", { name: "Nodes" })).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.getItem("tandem.adminToken"))).toBeNull();

  // The API: no token, or a wrong one, is 401 for queries and mutations alike.
  const status = await request.get("/api/trpc/replication.status");
  expect(status.status()).toBe(401);
  expect(await status.text()).not.toContain("replica1");
  const pause = await request.post("/api/trpc/replication.pauseReplay", { data: { json: { node: "replica1" } } });
  expect(pause.status()).toBe(401);
  const wrong = await request.get("/api/trpc/replication.status", { headers: { authorization: "Bearer not-the-token" } });
  expect(wrong.status()).toBe(401);

  // Signing in with the right token, then out, leaves nothing behind.
  await page.getByLabel("Admin token").fill(adminToken());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("list", { name: "Nodes" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("list", { name: "Nodes" })).toHaveCount(0);
  await expect(page.getByLabel("Admin token")).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("tandem.adminToken"))).toBeNull();
});
