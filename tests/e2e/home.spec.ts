import { expect, test } from "@playwright/test";

// serve.ts starts the server on an embedded cluster of its own: a primary and two replicas on 127.0.0.1,
// each on its own port.
const ENDPOINT = /^127\.0\.0\.1:\d+$/;

test("the home page shows the test cluster's primary and both replicas", async ({ page }) => {
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1, name: "Tandem" })).toBeVisible();
  await expect(page.getByText("From the embedded development cluster (npm run db:up).")).toBeVisible();

  const nodes = page.getByRole("list", { name: "Database nodes" }).getByRole("listitem");
  await expect(nodes).toHaveCount(3);
  await expect(nodes.nth(0)).toContainText("Primary");
  await expect(nodes.nth(1)).toContainText("Replica 1");
  await expect(nodes.nth(2)).toContainText("Replica 2");

  const endpoints = await nodes.locator("code").allTextContents();
  for (const endpoint of endpoints) expect(endpoint).toMatch(ENDPOINT);
  expect(new Set(endpoints).size).toBe(3);

  // The page shows host:port only: no user names or passwords from the URLs.
  await expect(page.locator("body")).not.toContainText("@");
});
