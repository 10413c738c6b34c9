/**
 * db:promote: a replica becomes the primary, the old primary is fenced, the other replica follows the
 * new primary on the new timeline, stale slots are gone, and db:up afterwards starts the new topology;
 * replica3, down during the promote, follows the new primary once db:up starts it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateBinaries } from "~/cluster/binaries";
import { resolveRunAs } from "~/cluster/os-user";
import { queryOne, withClient } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { parseEnv } from "~/config/parse-env";
import { embeddedClusterUrls } from "~/replication/urls";
import { embeddedClusterControl } from "~/server/api/embedded-cluster-control";
import { idempotencySettings } from "~/server/api/idempotency/settings";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { createDataLayer } from "~/server/db/index";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { clusterCli } from "../support/run";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 3 });
  await queryOne(cluster.ownerUrl, "CREATE TABLE events (id serial PRIMARY KEY, what text)");
  await queryOne(cluster.primaryUrl, "INSERT INTO events (what) VALUES ('before the promote')");
  await waitFor("replica3 to replay the table", async () =>
    (await queryOne(urlOf("replica3"), "SELECT 1 AS ok FROM events")) ? true : undefined,
  );
  stopReplica3();
});

afterAll(async () => {
  await cluster?.stop();
});

const urlOf = (name: string) => cluster.replicaUrls[Number(name.replace("replica", "")) - 1];

function stopReplica3(): void {
  const replica3 = cluster.state().nodes.find((n) => n.name === "replica3")!;
  execFileSync(locateBinaries().pg_ctl, ["stop", "-m", "fast", "-D", replica3.dataDir], asServerUser());
}

function asServerUser() {
  const runAs = resolveRunAs();
  return runAs.switchUser ? { uid: runAs.uid, gid: runAs.gid, cwd: "/" } : {};
}

describe("db:promote replica1", () => {
  it("promotes replica1, fences the old primary and keeps replica2 streaming from it", async () => {
    const result = await clusterCli(cluster.root, ["promote", "replica1"]);
    expect(result.code, result.stderr).toBe(0);

    expect(result.stderr).toMatch(/replica3: not running; `npm run db:up` will point it at replica1/);
    const state = cluster.state();
    expect(state.nodes.map((n) => [n.name, n.role])).toEqual([
      ["primary", "fenced"],
      ["replica1", "primary"],
      ["replica2", "replica"],
      ["replica3", "replica"],
    ]);
    await expect(queryOne(cluster.primaryUrl, "SELECT 1")).rejects.toThrow(); // fenced: not running

    const status = JSON.parse((await clusterCli(cluster.root, ["status", "--json"])).stdout);
    expect(status.primary).toMatchObject({ name: "replica1", inRecovery: false, timeline: 2 });
    expect(status.replicas.map((r: { name: string; running: boolean }) => [r.name, r.running])).toEqual([
      ["replica2", true],
      ["replica3", false],
    ]);
    expect(status.replicas[0]).toMatchObject({ name: "replica2", state: "streaming", timeline: 2 });
    expect(status.replicas[0].walReceiver.senderPort).toBe(status.primary.port);
    expect(status.fenced.map((n: { name: string }) => n.name)).toEqual(["primary"]);
  });

  it("accepts writes on the new primary and replicates them to replica2", async () => {
    const newPrimary = urlOf("replica1");
    await queryOne(newPrimary, "INSERT INTO events (what) VALUES ('after the promote')");
    await waitFor("the write to reach replica2", async () =>
      (await queryOne(urlOf("replica2"), "SELECT 1 AS ok FROM events WHERE what = 'after the promote'"))
        ? true
        : undefined,
    );
    const rows = await withClient(
      urlOf("replica2"),
      async (c) => (await c.query("SELECT what FROM events ORDER BY id")).rows,
    );
    expect(rows.map((r) => r.what)).toEqual(["before the promote", "after the promote"]);
  });

  it("keeps only the slots of current replicas on the new primary", async () => {
    const slots = await withClient(
      urlOf("replica1"),
      async (c) => (await c.query("SELECT slot_name, active FROM pg_replication_slots ORDER BY slot_name")).rows,
    );
    expect(slots).toEqual([
      { slot_name: "replica2", active: true },
      { slot_name: "replica3", active: false },
    ]);
  });

  it("points replica3, down during the promote, at the new primary when db:up starts it", async () => {
    const upAgain = await clusterCli(cluster.root, ["up"]);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    await waitFor("replica3 to replay a write made after the promote", async () =>
      (await queryOne(urlOf("replica3"), "SELECT 1 AS ok FROM events WHERE what = 'after the promote'"))
        ? true
        : undefined,
    );
    const status = JSON.parse((await clusterCli(cluster.root, ["status", "--json"])).stdout);
    expect(
      status.replicas.map((r: { name: string; state: string; timeline: number }) => [r.name, r.state, r.timeline]),
    ).toEqual([
      ["replica2", "streaming", 2],
      ["replica3", "streaming", 2],
    ]);
  });

  it("passes db:verify on the new topology", async () => {
    const result = await clusterCli(cluster.root, ["verify"]);
    expect(result.code, result.stdout).toBe(0);
  });

  it("restarts as it now is: db:down then db:up starts the new primary and replica2, not the fenced node", async () => {
    expect((await clusterCli(cluster.root, ["down"])).code).toBe(0);
    const upAgain = await clusterCli(cluster.root, ["up"]);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    expect(upAgain.stderr).toMatch(/primary: left stopped \(fenced/);
    expect(upAgain.stdout).toContain(`primary    ${urlOf("replica1")}`);
    await expect(queryOne(cluster.primaryUrl, "SELECT 1")).rejects.toThrow();
    expect((await queryOne<{ r: boolean }>(urlOf("replica2"), "SELECT pg_is_in_recovery() AS r")).r).toBe(true);
  });

  it("never writes the replicator's password into a server log or a replica's settings", async () => {
    const { replicator, nodes } = cluster.state();
    for (const node of nodes) {
      expect(readFileSync(path.join(node.dataDir, "postgresql.auto.conf"), "utf8")).not.toContain(replicator.password);
    }
    const logs = readdirSync(path.join(cluster.root, "logs")).map((f) =>
      readFileSync(path.join(cluster.root, "logs", f), "utf8"),
    );
    expect(logs.join("")).toContain("primary_conninfo"); // the re-pointing was logged...
    expect(logs.join("")).not.toContain(replicator.password); // ...without the password
  });

  it("an app started now calls each node what the cluster does, and its admin levers act on the node they name", async () => {
    const { database } = parseEnv(
      { NODE_ENV: "test", TANDEM_DATA_DIR: cluster.root },
      { embedded: () => embeddedClusterUrls(cluster.root) },
    );
    const db = createDataLayer({ ...TEST_DATA_LAYER_SETTINGS, database });
    try {
      // Not "primary, replica1, replica2" by position: the fenced primary is gone and replica1 writes.
      expect(db.nodes.map((n) => [n.name, n.configuredRole, n.url])).toEqual([
        ["replica1", "primary", urlOf("replica1")],
        ["replica2", "replica", urlOf("replica2")],
        ["replica3", "replica", urlOf("replica3")],
      ]);
      const admin = createCaller(
        await createTRPCContext({
          headers: new Headers({ authorization: "Bearer an-admin-token-for-this-test" }),
          services: {
            db,
            adminToken: "an-admin-token-for-this-test",
            cluster: embeddedClusterControl(cluster.root),
            idempotency: idempotencySettings(24),
          },
        }),
      );
      const status = await admin.replication.status();
      expect(status.writer).toBe("replica1");
      expect(status.nodes.filter((n) => !n.fenced).map((n) => [n.name, n.role, n.endpoint])).toEqual([
        ["replica1", "primary", `127.0.0.1:${new URL(urlOf("replica1")).port}`],
        ["replica2", "replica", `127.0.0.1:${new URL(urlOf("replica2")).port}`],
        ["replica3", "replica", `127.0.0.1:${new URL(urlOf("replica3")).port}`],
      ]);
      // The fenced former primary is not a node of the data layer, but the page still lists it, as fenced.
      expect(status.nodes.filter((n) => n.fenced)).toEqual([
        expect.objectContaining({
          name: "primary",
          role: "unknown",
          routing: expect.objectContaining({ routable: false }),
        }),
      ]);

      await admin.replication.pauseReplay({ node: "replica2" });
      const pauseState = async (name: string) =>
        (await queryOne<{ s: string }>(urlOf(name), "SELECT pg_get_wal_replay_pause_state() AS s")).s;
      expect(await pauseState("replica2")).not.toBe("not paused");
      expect(await pauseState("replica3")).toBe("not paused");
      await admin.replication.resumeReplay({ node: "replica2" });
      expect(await pauseState("replica2")).toBe("not paused");
    } finally {
      await db.close();
    }
  });

  it("refuses to promote anything but a replica", async () => {
    const result = await clusterCli(cluster.root, ["promote", "primary"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "'primary' is a fenced former primary (replaced by a promote; it never starts again), not a replica",
    );
  });
});
