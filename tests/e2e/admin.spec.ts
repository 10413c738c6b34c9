import { expect, test } from "@playwright/test";
import {
  adminToken,
  adminWatchingUserTab,
  chooseAction,
  conditionOf,
  eventLog,
  fact,
  nodeCard,
  setPaused,
  setRunning,
  showAllFields,
  signIn,
} from "./admin";
import { tabTo } from "./keyboard";
import { createUser, unique, userRows } from "./users";

/**
 * The admin page against the e2e server's cluster, which it runs on as on the development cluster, so
 * its pause/resume/promote levers work. Nothing here promotes a node: the cluster is shared with the
 * other spec files. Whatever a test stops or pauses is started and resumed again after it, pass or fail.
 */

const REPLICAS = ["replica1", "replica2"];

test.afterEach(async () => {
  await setRunning("primary", true);
  for (const replica of REPLICAS) await setRunning(replica, true);
  for (const replica of REPLICAS) await setPaused(replica, false);
});

test("the admin page shows the primary writing and both replicas streaming", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("list", { name: "Nodes" }).getByRole("listitem")).toHaveCount(3);

  await expect(conditionOf(page, "primary")).toHaveText("Writer");
  await expect(fact(nodeCard(page, "primary"), "Role")).toHaveText("primary");
  // The writer's health is its role, not an exclusion that reads like a fault.
  await expect(fact(nodeCard(page, "primary"), "Health")).toHaveText(/^writer: takes the writes/);
  await expect(nodeCard(page, "primary").getByRole("button", { name: /^Actions/ })).toHaveCount(0); // no levers on the writer

  // The topology: the writer and an edge with its lag to each replica, the states in words.
  const topology = page.getByRole("img", { name: /^Topology: / });
  await expect(topology).toHaveAccessibleName(
    /^Topology: primary \(Writer\) streams to replica1 \(lag \d+(\.\d)? m?s\), replica2 \(lag \d+(\.\d)? m?s\)\.$/,
  );

  for (const replica of REPLICAS) {
    const card = nodeCard(page, replica);
    await expect(conditionOf(page, replica)).toHaveText("Healthy");
    await expect(fact(card, "Role")).toHaveText("replica");
    await expect(card.getByTestId("lag")).toHaveText(/^\d+(\.\d)? m?s · \d+(\.\d)? (B|KiB)$/); // the headline figure, one unit style
    await expect(fact(card, "State")).toBeHidden(); // raw fields wait behind the disclosure
    await showAllFields(card);
    await expect(fact(card, "State")).toHaveText("streaming");
    await expect(fact(card, "WAL receiver")).toHaveText("streaming");
    await expect(fact(card, "Replay paused")).toHaveText("no");
    // The levers are in a menu, not buttons on the card.
    await expect(card.getByRole("button", { name: `Pause replay on ${replica}` })).toHaveCount(0);
    await card.getByRole("button", { name: `Actions for ${replica}` }).click();
    await expect(page.getByRole("menuitem", { name: `Pause replay on ${replica}` })).toBeVisible();
    await expect(page.getByRole("menuitem", { name: `Promote ${replica}…` })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
  }
  await expect(page.getByText("All replicas are out.")).toBeHidden();

  // Where reads go right now: a figure per node.
  await expect(
    page.getByRole("img", {
      name: /^Reads per second now: primary \d+(\.\d)? \/s, replica1 \d+(\.\d)? \/s, replica2 \d+(\.\d)? \/s\.$/,
    }),
  ).toBeVisible();

  // The probe reports a visibility latency for each replica.
  await page.getByRole("button", { name: "Run replication probe" }).click();
  const probe = page.getByRole("table", { name: "Visibility latency per replica" });
  await expect(probe.getByRole("row")).toHaveCount(3);
  await expect(probe.getByRole("row", { name: /replica1/ })).toContainText(/\d+ ms/);
  await expect(probe.getByRole("row", { name: /replica2/ })).toContainText(/\d+ ms/);
});

test("pausing replay from the page makes a replica lag; its creator still reads a new user; resuming heals it", async ({
  page,
  context,
}) => {
  await signIn(page);
  const card = nodeCard(page, "replica1");
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy");

  await chooseAction(page, "replica1", "Pause replay on replica1");
  await expect(conditionOf(page, "replica1")).toContainText("Replay paused");
  await showAllFields(card);
  await expect(fact(card, "Replay paused")).toHaveText("yes");
  await expect(eventLog(page).first()).toContainText("Replay on replica1 was paused from this page.");

  // A user created now, in another tab: the write goes to the primary, and its page reads it back from
  // a node that has replayed it, never from the paused replica1.
  const user = unique("Paused Replay");
  const tab = await context.newPage();
  await createUser(tab, user);
  const details = tab.getByRole("region", { name: "Details" });
  await expect(details.getByRole("definition").filter({ hasText: user.email })).toBeVisible();
  await expect(details.getByText(/^Served by (replica2|primary)\b/)).toBeVisible();

  // The admin page: replica1 falls behind the write, its lag rises from zero, and it leaves the read set.
  await expect(card.getByTestId("lag")).not.toHaveText(/· 0 B$/, { timeout: 15_000 });
  await expect(conditionOf(page, "replica1")).toHaveText("Replay paused · lagging", { timeout: 15_000 });
  await expect(fact(card, "Health")).toHaveText(/^not routable: replay paused, lagging/);
  await expect(conditionOf(page, "replica2")).toHaveText("Healthy");

  // The creator's page follows the write: replica2 has it, replica1 not yet, and says why.
  const spread = tab.getByRole("region", { name: "This write on each replica" }).getByRole("listitem");
  await expect(spread).toHaveText([
    /^replica1 Not yet replay paused$/,
    /^replica2 Replayed (by the first check|within \d+(\.\d)? m?s of the write)$/,
  ]);

  await chooseAction(page, "replica1", "Resume replay on replica1");
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy", { timeout: 15_000 });
  await expect(fact(card, "Replay paused")).toHaveText("no");
  await expect(card.getByTestId("lag")).toHaveText(/^\d+ ms · 0 B$/);
  // Both levers are in the event log, newest first, in words.
  await expect(eventLog(page).nth(0)).toContainText("Replay on replica1 was resumed from this page.");
  await expect(eventLog(page).nth(1)).toContainText("Replay on replica1 was paused from this page.");
  // …and replica1 reaches the write once resumed, as the creator's page shows: behind at the first
  // check, so with the time since the write rather than "by the first check".
  await expect(spread.first()).toHaveText(/^replica1 Replayed within \d+(\.\d)? m?s of the write$/);

  // Reloading the creator's page still shows the user (read-your-writes survives the reload).
  await tab.reload();
  await expect(tab.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
  await expect(details.getByText(/^Served by replica\d\b/)).toBeVisible();
  await tab.close();
});

test("a stopped replica shows as down while user pages keep working; with both down reads fall back to the primary; started again, both are healthy", async ({
  page,
  context,
}) => {
  const { user, tab } = await adminWatchingUserTab(page, context, "Replica Down");

  // replica2 down (the cluster manager, as `npm run db:down -- replica2`): the page says so at once.
  await setRunning("replica2", false);
  await expect(conditionOf(page, "replica2")).toHaveText("Down");
  await expect(fact(nodeCard(page, "replica2"), "Health")).toHaveText("unreachable");
  // Why, in a sentence; the driver's text only behind the disclosure.
  await expect(
    nodeCard(page, "replica2").getByText(
      /^Not answering at 127\.0\.0\.1:\d+: (connection refused|connection closed|the server shut down)\.$/,
    ),
  ).toBeVisible();
  await expect(nodeCard(page, "replica2").getByText(/ECONNREFUSED/)).toBeHidden();
  await expect(eventLog(page).filter({ hasText: /replica2 \(127\.0\.0\.1:\d+\) stopped answering\./ })).toHaveCount(1);
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy");

  // User pages keep working, read from the replica that is left (or the primary), never from replica2.
  const readBadge = tab.getByText(/^Served by /);
  await tab.reload();
  await expect(tab.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
  await expect(readBadge).toHaveText(/^Served by (replica1|primary)\b/);
  await tab.goto(`/users?q=${encodeURIComponent(user.email)}`);
  await expect(userRows(tab)).toHaveCount(1);
  await expect(readBadge).toHaveText(/^Served by (replica1|primary)\b/);

  // replica1 down too: every replica is out, the page says so, and reads fall back to the primary.
  await setRunning("replica1", false);
  await expect(page.getByText("All replicas are out.")).toBeVisible();
  await showAllFields(nodeCard(page, "primary"));
  const fallbackReads = fact(nodeCard(page, "primary"), "Reads served"); // the writer serves reads only as the fallback
  const before = Number(await fallbackReads.textContent());
  await tab.reload();
  await expect(userRows(tab)).toHaveCount(1);
  await expect(readBadge).toHaveText(/^Served by primary · fallback: no healthy replica/);
  await expect(fallbackReads).not.toHaveText(String(before));

  // Both started again: healthy, streaming, back in the read set; reads go to a replica again.
  await setRunning("replica1", true);
  await setRunning("replica2", true);
  for (const replica of REPLICAS) {
    await expect(conditionOf(page, replica)).toHaveText("Healthy", { timeout: 15_000 });
    await showAllFields(nodeCard(page, replica));
    await expect(fact(nodeCard(page, replica), "State")).toHaveText("streaming");
  }
  await expect(
    eventLog(page)
      .filter({ hasText: /replica2 \(127\.0\.0\.1:\d+\) answers again\./ })
      .first(),
  ).toBeVisible();
  await expect(page.getByText("All replicas are out.")).toBeHidden();
  await tab.reload();
  await expect(readBadge).toHaveText(/^Served by replica\d · replica/);
});

test("with the primary stopped, users can still be read, a write fails with a sentence and loses nothing, and it works again once the primary is back", async ({
  page,
  context,
}) => {
  const { user: existing, tab } = await adminWatchingUserTab(page, context, "Before Outage");

  await setRunning("primary", false);
  await expect(conditionOf(page, "primary")).toHaveText("Down");
  await expect(page.getByTestId("status-line")).toContainText("no node (no writable primary is reachable)");

  // Reads: still served, by a replica.
  await tab.goto(`/users?q=${encodeURIComponent(existing.email)}`);
  await expect(userRows(tab)).toHaveCount(1);
  await expect(tab.getByText(/^Served by replica\d · replica/)).toBeVisible();

  // A write: a sentence saying what happened, and the form keeps what was typed.
  const user = unique("During Outage");
  await tab.goto("/users/new");
  await tab.getByLabel("Name").fill(user.name);
  await tab.getByLabel("Email").fill(user.email);
  await tab.getByRole("button", { name: "Create user" }).click();
  await expect(tab.getByRole("alert").filter({ hasText: "The database is unavailable" })).toHaveText(
    "The database is unavailable: primary cannot be reached. Try again in a few seconds.",
  );
  await expect(tab.getByLabel("Name")).toHaveValue(user.name);
  await expect(tab.getByLabel("Email")).toHaveValue(user.email);

  // The primary back: the same form, submitted again, succeeds.
  await setRunning("primary", true);
  await expect(conditionOf(page, "primary")).toHaveText("Writer", { timeout: 15_000 });
  await tab.getByRole("button", { name: "Create user" }).click();
  await expect(tab.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
});

test("without the admin token the page shows no admin data and the API refuses admin calls", async ({
  page,
  request,
}) => {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 2, name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("Admin token")).toHaveAttribute("type", "password");
  await expect(page.getByRole("list", { name: "Nodes" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "primary" })).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText(/replica1|streaming/);

  // A wrong token is a sentence under the field, and still shows nothing.
  await page.getByLabel("Admin token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Admin token")).toHaveAccessibleDescription(
    "That admin token is not valid. Use the ADMIN_TOKEN the server was started with.",
  );
  await expect(page.getByLabel("Admin token")).toBeFocused();
  await expect(page.getByRole("list", { name: "Nodes" })).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.getItem("tandem.adminToken"))).toBeNull();

  // The API: no token, or a wrong one, is 401 for queries and mutations alike.
  const status = await request.get("/api/trpc/replication.status");
  expect(status.status()).toBe(401);
  expect(await status.text()).not.toContain("replica1");
  const pause = await request.post("/api/trpc/replication.pauseReplay", { data: { json: { node: "replica1" } } });
  expect(pause.status()).toBe(401);
  const wrong = await request.get("/api/trpc/replication.status", {
    headers: { authorization: "Bearer not-the-token" },
  });
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

test("the admin page works from the keyboard alone, and the focus never gets lost", async ({ page }) => {
  await page.goto("/admin");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

  // Sign in: type the token, Enter; the focus moves to the dashboard's status line.
  await tabTo(page, page.getByLabel("Admin token"));
  await page.keyboard.type(adminToken());
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("status-line")).toBeFocused();
  await expect(page.getByTestId("status-line")).toContainText("Writes go to primary");

  // The levers are in a menu: Enter opens it on its first item, Enter pauses, and the focus is back on
  // the menu's button; the same item now resumes, with Space.
  const card = nodeCard(page, "replica1");
  const actions = card.getByRole("button", { name: "Actions for replica1" });
  await tabTo(page, actions);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Pause replay on replica1" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(conditionOf(page, "replica1")).toContainText("Replay paused");
  await expect(actions).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Resume replay on replica1" })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy", { timeout: 15_000 });
  await expect(actions).toBeFocused();

  // Promote asks first, with Cancel focused; Escape closes it, back on the menu's button; nothing was promoted.
  await page.keyboard.press("Enter");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("menuitem", { name: "Promote replica1…" })).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog", { name: "Promote replica1?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(actions).toBeFocused();
  await expect(conditionOf(page, "replica1")).toHaveText("Healthy");

  // The raw fields open from the keyboard too.
  await tabTo(page, card.getByText("All fields", { exact: true }));
  await page.keyboard.press("Enter");
  await expect(fact(card, "Replay paused")).toHaveText("no");

  // Sign out from the keyboard: the token field has the focus, ready for the next sign-in.
  await tabTo(page, page.getByRole("button", { name: "Sign out" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Admin token")).toBeFocused();
});

test("promote asks for confirmation first, and Cancel promotes nothing", async ({ page }) => {
  await signIn(page);
  await expect(eventLog(page).first()).toBeVisible(); // at least the server's first "writes go to" entry
  const before = await eventLog(page).count();
  await chooseAction(page, "replica2", "Promote replica2…");
  const dialog = page.getByRole("alertdialog", { name: "Promote replica2?" });
  await expect(dialog).toContainText("This cannot be undone from this page.");
  await expect(dialog.getByRole("button", { name: "Promote replica2" })).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("status-line")).toContainText("Writes go to primary");
  await expect(conditionOf(page, "replica2")).toHaveText("Healthy");
  await expect(eventLog(page).filter({ hasText: "promoted" })).toHaveCount(0);
  expect(await eventLog(page).count()).toBe(before);
});
