/**
 * The home page follows a promote live: on a server and cluster of this spec's own (a promote is for
 * good), the page stays open while replica1 is promoted through the admin API, as the admin page's
 * Promote button does. Without a reload the old primary must turn to "Fenced" (never still the writer),
 * and replica1 must be named as the writer; a reload shows the same, by the same names.
 */
import { expect, test } from "@playwright/test";
import { handle } from "./admin";
import { ownServerForThisFile } from "./own-server";

const ownServer = ownServerForThisFile();

test("after a promote the home page shows the new writer and the fenced old primary, without a reload", async ({
  page,
  request,
}) => {
  const own = ownServer();
  const nodes = page.getByRole("list", { name: "Database nodes" });
  const condition = (name: string) => nodes.getByRole("listitem", { name }).getByTestId("node-condition");

  await page.goto(`${own.baseURL}/`);
  await expect(condition("primary")).toHaveText("Writer");
  await expect(condition("replica1")).toHaveText("Healthy");

  const promoted = await request.post(`${own.baseURL}/api/trpc/replication.promote`, {
    headers: { authorization: `Bearer ${handle(own.port).adminToken}` },
    data: { json: { node: "replica1" } },
  });
  expect(promoted.status(), await promoted.text()).toBe(200);

  // The open page, polling: the writer moves, the old primary is fenced, names unchanged.
  await expect(condition("primary")).toHaveText("Fenced", { timeout: 10_000 });
  // The state file now names replica1 the primary, and the embedded topology source follows it: it is
  // the writer by configuration as well as by the probes, so no longer "Promoted".
  await expect(condition("replica1")).toHaveText("Writer");
  await expect(nodes.getByTestId("node-name").first()).toHaveText("replica1"); // the writer first
  await expect(page.getByText(/^Writes go to replica1;/)).toBeVisible();
  await expect(nodes.getByRole("listitem", { name: "primary" })).not.toContainText(/Writer|Primary/);

  await page.reload();
  // The writer, the replicas it serves reads with, then the fenced node, which is no node of the data
  // layer any more (the topology source dropped it) but is still listed.
  await expect(nodes.getByTestId("node-name")).toHaveText(["replica1", "replica2", "primary"]);
  await expect(condition("primary")).toHaveText("Fenced");
  await expect(condition("replica1")).toHaveText("Writer");
});
