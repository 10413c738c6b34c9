/**
 * A failover that loses a write, seen from the browser. replica1 is down while the user creates W
 * (replica2 replays it); the primary is then lost, and replica1 is promoted behind the app's back: W is
 * not in the new primary's history. The user's page must say that the write was lost, never show it
 * (replica2 still has it, and diverged). The cluster is left failed over: this spec runs last.
 */
import { expect, test } from "@playwright/test";
import { adminUrl } from "../../src/cluster/context";
import { queryOne } from "../../src/cluster/sql";
import { readState } from "../../src/replication/state";
import { eventLog, handle, setRunning, signIn } from "./admin";
import { createUser, unique } from "./users";

test("after a failover that lost the user's write, the user page says the write was lost", async ({ page }) => {
  const root = handle().clusterRoot;
  const state = () => readState(root) as NonNullable<ReturnType<typeof readState>>;
  const superuser = (name: string) =>
    adminUrl(state(), state().nodes.find((n) => n.name === name) as never, state().database);

  await setRunning("replica1", false);
  const user = unique("Lost Write");
  await createUser(page, user);
  const id = Number(new URL(page.url()).pathname.split("/").at(-1));
  const onReplica2 = async () =>
    (await queryOne<{ n: number }>(superuser("replica2"), "SELECT count(*)::int AS n FROM users WHERE id = $1", [id]))
      .n;
  await expect.poll(onReplica2).toBe(1);

  await setRunning("primary", false);
  await setRunning("replica1", true);
  expect(
    (await queryOne<{ promoted: boolean }>(superuser("replica1"), "SELECT pg_promote(true, 60) AS promoted")).promoted,
  ).toBe(true);

  // The app finds the new primary within a probe or two; until then it cannot know the write is gone.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "User not found" })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText(/your last write was lost in a failover/)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: user.name })).toHaveCount(0);

  // The admin page's event log tells the failover as it happened: the newest writer entry is the move
  // to replica1 on a new timeline, and replica2 (which has the lost write) diverged.
  await signIn(page);
  const events = eventLog(page);
  await expect(events.filter({ hasText: /Writes (go to|moved from \w+ to) / }).first()).toContainText(
    /replica1 on timeline 2\.$/,
    { timeout: 15_000 },
  );
  await expect(
    events.filter({ hasText: /replica2 diverged from the writer's history and serves no reads/ }).first(),
  ).toBeVisible({ timeout: 15_000 });
});
