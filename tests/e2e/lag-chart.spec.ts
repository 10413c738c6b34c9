import { expect, type Page, test } from "@playwright/test";
import { setPaused, signIn } from "./admin";
import { unique } from "./users";

/**
 * The admin page's lag chart against the e2e server's cluster: a line per replica, and its accessible
 * summary following a paused replica's lag up and back down. Replay is paused with the cluster tools,
 * as `npm run db:pause` would (admin.spec.ts clicks the page's own buttons), and always resumed after
 * the test.
 */

test.afterEach(async () => {
  await setPaused("replica1", false);
});

const lagFigure = (page: Page) => page.getByRole("figure", { name: "Replication lag" });
/** The chart's SVG: role="img", named by the one-sentence summary. */
const lagChart = (page: Page) =>
  lagFigure(page).getByRole("img", { name: /^Replication lag over the last 5 minutes:/ });

/** "replica1 now 2.3 s" or "replica1 now 0 ms": under a second is shown in ms. */
const underASecond = (node: string) => new RegExp(`\\b${node} now \\d+ ms\\b`);
const atLeastASecond = (node: string) => new RegExp(`\\b${node} now \\d+\\.\\d s\\b`);

test("the lag chart draws a line per replica and follows a paused replica's lag up and back down", async ({
  page,
  request,
}) => {
  await signIn(page);
  await expect(lagFigure(page)).toBeVisible();
  await expect(lagChart(page)).toBeVisible();
  await expect(lagFigure(page).locator(".recharts-line path.recharts-curve")).toHaveCount(2);
  await expect(lagFigure(page).locator(".recharts-legend-item")).toHaveText(["replica1", "replica2"]);
  // The routing limit is named in the key under the chart, never as a label on the line near the axis.
  await expect(lagFigure(page).getByText(/^routing limit \d+(\.\d)? m?s$/)).toBeVisible();
  await expect(lagFigure(page).locator("svg text", { hasText: "routing limit" })).toHaveCount(0);
  // Every label in the page's charts is at least 12 px (recharts' default is smaller).
  const sizes = await page
    .locator("main svg text")
    .evaluateAll((texts) => texts.map((t) => Number.parseFloat(getComputedStyle(t).fontSize)));
  expect(sizes.length).toBeGreaterThan(0);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  await expect(lagChart(page)).toHaveAccessibleName(underASecond("replica1"));
  await expect(lagChart(page)).toHaveAccessibleName(underASecond("replica2"));

  // A paused replica falls behind only when WAL moves: write a user through the API after pausing.
  await setPaused("replica1", true);
  const user = unique("Lag Chart");
  const created = await request.post("/api/trpc/user.create", { data: { json: user } });
  expect(created.status(), await created.text()).toBe(200);

  // Lag is "now minus when the writer passed the replica", so it keeps growing while replay is paused.
  await expect(lagChart(page)).toHaveAccessibleName(atLeastASecond("replica1"), { timeout: 15_000 });
  await expect(lagChart(page)).toHaveAccessibleName(/replica1 now [^;]*, replay paused/);
  await expect(lagChart(page)).toHaveAccessibleName(underASecond("replica2"));
  // The table alternative says the same in cells.
  await lagFigure(page).getByText("Show the figures as a table").click();
  const row = lagFigure(page).getByRole("row", { name: /^replica1\b/ });
  await expect(row.getByRole("cell").nth(1)).toHaveText("replay paused");

  await setPaused("replica1", false);
  await expect(lagChart(page)).toHaveAccessibleName(underASecond("replica1"), { timeout: 15_000 });
  // The highest lag of the window stays on record after the replica caught up.
  await expect(lagChart(page)).toHaveAccessibleName(/replica1 now \d+ ms \(max \d+\.\d s\)/);
});

test("the lag chart can show bytes, and is reachable with the keyboard", async ({ page }) => {
  await signIn(page);
  await expect(lagChart(page)).toBeVisible();

  const bytes = lagFigure(page).getByRole("radio", { name: "Bytes" });
  await bytes.check();
  await expect(
    lagFigure(page).getByRole("img", {
      name: /^Replication lag in bytes over the last 5 minutes: replica1 now \d+(\.\d)? (B|KiB|MiB)/,
    }),
  ).toBeVisible();
  await expect(lagFigure(page).getByRole("group", { name: "Show lag in" })).toBeVisible();

  // From the measure radios, Tab reaches the chart itself (recharts' accessibility layer); arrow keys show a sample.
  await bytes.focus();
  await page.keyboard.press("Tab");
  const chart = lagFigure(page).getByRole("img", { name: /^Replication lag in bytes/ });
  await expect(chart).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(lagFigure(page).locator(".lag-tooltip")).toContainText(/replica1 \d+(\.\d)? (B|KiB|MiB)/);
});
