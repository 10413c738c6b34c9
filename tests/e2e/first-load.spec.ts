/**
 * What /users costs on its first load: the JavaScript it downloads stays within a budget, and none of it
 * is the admin page's chart library (recharts loads with the admin page only, through next/dynamic).
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./admin";
import { unique, userRows } from "./users";

/** Uncompressed bytes of script: 773 KiB measured here (2026-12-02, 12 files); the margin is for small additions, not for a chart. */
const USERS_SCRIPT_BUDGET = 900 * 1024;

test("the users page loads no chart code and stays within its script budget", async ({ page, request }) => {
  expect((await request.post("/users", { data: unique("First Load") })).status()).toBe(201); // a table to render, even on a fresh database
  const scripts: { url: string; body: Buffer }[] = [];
  page.on("response", async (response) => {
    if (response.request().resourceType() === "script")
      scripts.push({ url: response.url(), body: await response.body() });
  });
  await page.goto("/users");
  await expect(userRows(page).first()).toBeVisible();
  await page.waitForLoadState("networkidle");

  const total = scripts.reduce((sum, s) => sum + s.body.length, 0);
  test.info().annotations.push({
    type: "users first-load script",
    description: `${scripts.length} files, ${Math.round(total / 1024)} KiB uncompressed`,
  });
  console.log(`/users first load: ${scripts.length} script files, ${Math.round(total / 1024)} KiB uncompressed`);
  expect(scripts.filter((s) => s.body.includes("recharts-surface")).map((s) => s.url)).toEqual([]);
  expect(total).toBeLessThan(USERS_SCRIPT_BUDGET);

  // The admin page does load it once signed in: the marker above is really in the chart's code.
  const adminScripts: Buffer[] = [];
  page.removeAllListeners("response");
  page.on("response", async (response) => {
    if (response.request().resourceType() === "script") adminScripts.push(await response.body());
  });
  await signIn(page);
  await expect.poll(() => adminScripts.some((s) => s.includes("recharts-surface"))).toBe(true);
});
