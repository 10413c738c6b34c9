/**
 * The replica-aware data layer against a real cluster, with the faults it exists for: a replica killed
 * in the middle of a stream of reads, replay paused while the client writes, the primary stopped, and a
 * promotion while the app runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOne } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { DatabaseUnavailableError, type DataLayer } from "~/server/db/data-layer/data-layer";
import { createDataLayer } from "~/server/db/index";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { migrate } from "../support/migrate";
import { serverProcesses, signalPostmaster } from "../support/postmaster";
import { clusterCli } from "../support/run";

let cluster: TestCluster;
let db: DataLayer;

const SETTINGS = TEST_DATA_LAYER_SETTINGS;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 2 });
  await migrate(cluster.ownerUrl);
  db = createDataLayer({
    ...SETTINGS,
    database: { source: "environment", primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls },
  });
});

afterAll(async () => {
  await db?.close();
  await cluster?.stop();
});

let seq = 0;
const newUser = () => ({ name: `User ${++seq}`, email: `user${seq}-${Date.now()}@example.com` });
const routableNames = () => db.monitor.routable().map((h) => h.name);

describe("routing", () => {
  it("sends reads to both replicas and says so", async () => {
    const served = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const { servedBy } = await db.forRequest().read((c) => c.user.count());
      expect(servedBy).toMatchObject({ role: "replica", reason: "replica" });
      served.add(servedBy.node);
    }
    expect([...served].sort()).toEqual(["replica1", "replica2"]);
  });

  it("sends writes to the primary and returns a consistency token", async () => {
    const { data, servedBy, consistencyToken } = await db.forRequest().write((c) => c.user.create({ data: newUser() }));
    expect(servedBy).toMatchObject({ node: "primary", role: "primary" });
    expect(consistencyToken).toMatch(/^1:[0-9A-F]+\/[0-9A-F]+$/); // timeline 1, then the WAL position
    const onPrimary = await queryOne<{ n: number }>(
      cluster.primaryUrl,
      "SELECT count(*)::int AS n FROM users WHERE id = $1",
      [data.id],
    );
    expect(onPrimary.n).toBe(1);
  });
});

describe("read-your-writes", () => {
  it("reads its own write at once, every time, with the token", async () => {
    for (let i = 0; i < 30; i++) {
      const { data: created, consistencyToken } = await db
        .forRequest()
        .write((c) => c.user.create({ data: newUser() }));
      const { data: read, servedBy } = await db
        .forRequest(consistencyToken)
        .read((c) => c.user.findUnique({ where: { id: created.id } }));
      expect(read?.email, JSON.stringify(servedBy)).toBe(created.email);
    }
  });

  it("with replay paused on a replica: the token still returns the new row, a read without it may not, and the lagging replica leaves the set", async () => {
    expect((await clusterCli(cluster.root, ["pause", "replica1"])).code).toBe(0);
    try {
      const { data: created, consistencyToken } = await db
        .forRequest()
        .write((c) => c.user.create({ data: newUser() }));
      // Directly on the paused replica the row is not there: a read routed to it without a token is stale.
      expect(await queryOne(cluster.replicaUrls[0], "SELECT 1 FROM users WHERE id = $1", [created.id])).toBeUndefined();
      for (let i = 0; i < 10; i++) {
        const { data, servedBy } = await db
          .forRequest(consistencyToken)
          .read((c) => c.user.findUnique({ where: { id: created.id } }));
        expect(data?.id).toBe(created.id);
        expect(servedBy.node).not.toBe("replica1");
      }
      // Keep writing so the paused replica's lag grows past REPLICA_MAX_LAG_MS.
      await waitFor("replica1 to leave the routing set", async () => {
        await db.forRequest().write((c) => c.user.create({ data: newUser() }));
        return routableNames().includes("replica1") ? undefined : true;
      });
      expect(db.monitor.snapshot().find((h) => h.name === "replica1")?.routing).toMatchObject({
        routable: false,
        kind: "lagging",
      });
      for (let i = 0; i < 6; i++)
        expect((await db.forRequest().read((c) => c.user.count())).servedBy.node).toBe("replica2");
    } finally {
      expect((await clusterCli(cluster.root, ["resume", "replica1"])).code).toBe(0);
    }
    await waitFor("replica1 to rejoin", async () => (routableNames().includes("replica1") ? true : undefined));
  });
});

describe("a replica killed during a stream of reads", () => {
  it("fails no read, excludes the replica, and re-admits it when it is back", async () => {
    const replica2 = cluster.state().nodes.find((n) => n.name === "replica2")!;
    const failures: unknown[] = [];
    let reads = 0;
    let stopped = false;
    const stream = (async () => {
      while (!stopped) {
        try {
          await db.forRequest().read((c) => c.user.findMany({ take: 5 }));
          reads++;
        } catch (error) {
          failures.push(error);
        }
      }
    })();
    await waitFor("some reads", async () => (reads > 20 ? true : undefined));
    signalPostmaster(replica2.dataDir);
    await waitFor("replica2 to leave the routing set", async () =>
      routableNames().includes("replica2") ? undefined : true,
    );
    const readsAfterKill = reads;
    await waitFor("more reads after the kill", async () => (reads > readsAfterKill + 50 ? true : undefined));
    stopped = true;
    await stream;
    expect(failures).toEqual([]);

    expect((await clusterCli(cluster.root, ["up"])).code).toBe(0);
    await waitFor("replica2 to be re-admitted", async () => (routableNames().includes("replica2") ? true : undefined));
    const served = new Set<string>();
    for (let i = 0; i < 10; i++) served.add((await db.forRequest().read((c) => c.user.count())).servedBy.node);
    expect(served.has("replica2")).toBe(true);
  });
});

describe("a replica that hangs (kill -STOP): alive to TCP, silent to queries", () => {
  it("without hedging, ends the reads in flight on it when the probes find it gone, well before their query timeout", async () => {
    const replica1 = cluster.state().nodes.find((n) => n.name === "replica1")!;
    // Hedging off: this is the backstop for reads that were not hedged (the hedge budget was spent).
    const db = createDataLayer({
      ...SETTINGS,
      READ_HEDGE_FLOOR_MS: 0,
      database: { source: "environment", primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls },
    });
    const routableNames = () => db.monitor.routable().map((h) => h.name);
    await db.monitor.start(); // probing already, so the freeze is found by a probe, not by the first one
    await waitFor("replica1 routable", async () => (routableNames().includes("replica1") ? true : undefined));
    // Open connections to replica1 first: a read on an open connection is the one that would hang (a new
    // connection fails sooner, at the connect timeout).
    await Promise.all(
      Array.from({ length: 2 * SETTINGS.REPLICA_POOL_SIZE }, () => db.forRequest().read((c) => c.user.count())),
    );
    const frozen = serverProcesses(replica1.dataDir);
    const timed = async () => {
      const started = performance.now();
      const { servedBy } = await db.forRequest().read((c) => c.user.count());
      return { servedBy, ms: performance.now() - started };
    };
    for (const pid of frozen) process.kill(pid, "SIGSTOP");
    try {
      // Round robin sends some of these to replica1, where they hang until the read gives up on it.
      const reads = await Promise.all(Array.from({ length: 6 }, timed));
      const onFrozen = reads.filter((r) => r.servedBy.detail.startsWith("replica1 failed mid-read"));
      expect(onFrozen.length).toBeGreaterThan(0);
      expect(onFrozen.every((r) => r.servedBy.node === "primary" && r.servedBy.reason === "fallback")).toBe(true);
      // Ended by the probes (their query timeout is DB_CONNECT_TIMEOUT_MS), not by the read's own.
      for (const { ms } of reads) expect(ms).toBeLessThan(SETTINGS.DB_QUERY_TIMEOUT_MS - 1_000);
    } finally {
      for (const pid of frozen) process.kill(pid, "SIGCONT");
    }
    await waitFor("replica1 to be re-admitted", async () => (routableNames().includes("replica1") ? true : undefined));
    await db.close();
  });
});

describe("primary stopped, then a replica promoted", () => {
  it("fails writes fast with DatabaseUnavailableError while reads are still served by replicas", async () => {
    const primary = cluster.state().nodes.find((n) => n.name === "primary")!;
    signalPostmaster(primary.dataDir, "SIGINT");
    await waitFor("the monitor to see the primary gone", async () => (db.monitor.writer() ? undefined : true));

    const started = Date.now();
    const write = db.forRequest().write((c) => c.user.create({ data: newUser() }));
    await expect(write).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(SETTINGS.DB_CONNECT_TIMEOUT_MS + 3_000);

    const { servedBy } = await db.forRequest().read((c) => c.user.count());
    expect(servedBy.role).toBe("replica");
  });

  it("sends writes to the promoted replica without a restart", async () => {
    expect((await clusterCli(cluster.root, ["promote", "replica1"])).code).toBe(0);
    await waitFor("writes to succeed on the new primary", async () => {
      try {
        return await db.forRequest().write((c) => c.user.create({ data: newUser() }));
      } catch (error) {
        if (error instanceof DatabaseUnavailableError) return undefined;
        throw error;
      }
    });
    const { servedBy, consistencyToken, data } = await db.forRequest().write((c) => c.user.create({ data: newUser() }));
    expect(servedBy.node).toBe("replica1");
    const read = await db.forRequest(consistencyToken).read((c) => c.user.findUnique({ where: { id: data.id } }));
    expect(read.data?.id).toBe(data.id);
    expect(read.servedBy.node).not.toBe("primary");
  });
});
