import { expect, test } from "@playwright/test";

// serve.ts starts the server on an embedded cluster of its own: a primary and two replicas on 127.0.0.1,
// each on its own port.
const ENDPOINT = /^127\.0\.0\.1:\d+$/;

test("the home page shows the test cluster's nodes by the data layer's names, with their state", async ({ page }) => {
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1, name: "Tandem" })).toBeVisible();
  await expect(
    page.getByText("From the embedded development cluster (npm run db:up), live as the app routes to it."),
  ).toBeVisible();

  const list = page.getByRole("list", { name: "Database nodes" });
  const nodes = list.getByRole("listitem");
  await expect(nodes).toHaveCount(3);
  // The writer first; names as the admin page and `npm run db:status` print them, never "Replica 1".
  await expect(nodes.getByTestId("node-name")).toHaveText(["primary", "replica1", "replica2"]);
  await expect(list.getByRole("listitem", { name: "primary" }).getByTestId("node-condition")).toHaveText("Writer");
  for (const replica of ["replica1", "replica2"]) {
    const item = list.getByRole("listitem", { name: replica });
    await expect(item.getByTestId("node-condition")).toHaveText("Healthy");
    await expect(item.getByTestId("node-lag")).toHaveText(/^\d+(\.\d)? (B|KiB|MiB) · \d+(\.\d)? m?s$/);
  }
  await expect(
    page.getByText("Writes go to primary; reads are spread over the healthy replicas.", { exact: false }),
  ).toBeVisible();

  const endpoints = await nodes.locator("code").allTextContents();
  for (const endpoint of endpoints) expect(endpoint).toMatch(ENDPOINT);
  expect(new Set(endpoints).size).toBe(3);

  // The page shows host:port only: no user names or passwords from the URLs.
  await expect(page.locator("body")).not.toContainText("@");
});
