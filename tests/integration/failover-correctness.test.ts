/**
 * The failures real platforms produce, against real clusters, with the app configured by URLs (it knows
 * nothing of the embedded cluster's state file): a failover that loses a write, a replica promoted behind
 * the app's back while the old primary keeps running, two unrelated primaries, a replica that hangs under
 * concurrent reads, a commit whose position query fails, a query cancelled by a recovery conflict, and
 * the app's own event loop stalling under the probes.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { adminUrl } from "~/cluster/context";
import { queryOne, withClient } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import type { NodeState } from "~/replication/state";
import { idempotencySettings } from "~/server/api/idempotency/settings";
import { createCaller } from "~/server/api/root";
import { createTRPCContext } from "~/server/api/trpc";
import { DatabaseUnavailableError, type DataLayer } from "~/server/db/data-layer/data-layer";
import { createDataLayer } from "~/server/db/index";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { type ReadLatency, readConcurrently, warmReplicaPools } from "../support/concurrent-reads";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { migrate } from "../support/migrate";
import { serverProcesses, signalPostmaster } from "../support/postmaster";
import { clusterCli } from "../support/run";

const SETTINGS = TEST_DATA_LAYER_SETTINGS;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function cluster(replicas: number): Promise<TestCluster> {
  const c = await startTestCluster({ replicas });
  cleanups.push(() => c.stop());
  await migrate(c.ownerUrl);
  return c;
}

/** A data layer on these URLs, probing already. */
async function dataLayer(
  primaryUrl: string,
  replicaUrls: string[],
  overrides: Partial<typeof SETTINGS> = {},
): Promise<DataLayer> {
  const db = createDataLayer({
    ...SETTINGS,
    ...overrides,
    database: { source: "environment", primaryUrl, replicaUrls },
  });
  cleanups.push(() => db.close());
  await db.monitor.start();
  return db;
}

const node = (c: TestCluster, name: string) => c.state().nodes.find((n) => n.name === name) as NodeState;
const superuser = (c: TestCluster, name: string) => adminUrl(c.state(), node(c, name), c.state().database);
const routing = (db: DataLayer, name: string) => db.monitor.snapshot().find((h) => h.name === name)?.routing;
const exclusionOf = (db: DataLayer, name: string) => {
  const r = routing(db, name);
  return r && !r.routable ? r.kind : undefined;
};
let seq = 0;
const newUser = () => ({ name: `Failover ${++seq}`, email: `failover${seq}-${Date.now()}@example.com` });

async function replayedOn(url: string, lsn: string): Promise<boolean> {
  return (await queryOne<{ ok: boolean }>(url, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [lsn])).ok;
}

describe("a failover that loses a write (replica1 down while W is written; primary lost; replica1 promoted)", () => {
  it("never serves W again, with or without W's token, says the token's write was lost, and shows replica2 as diverged", async () => {
    const c = await cluster(2);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));

    expect((await clusterCli(c.root, ["down", "replica1"])).code).toBe(0);
    const w = await db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    expect(w.consistencyToken).toMatch(/^1:/);
    const wLsn = w.consistencyToken.split(":")[1];
    await waitFor("replica2 to replay W", async () => ((await replayedOn(c.replicaUrls[1], wLsn)) ? true : undefined));

    // The primary dies (immediate shutdown: nothing more is sent), replica1 comes back without W and is
    // promoted behind the app's back; replica2 replayed W past the fork point and can never follow.
    signalPostmaster(node(c, "primary").dataDir, "SIGQUIT");
    expect((await clusterCli(c.root, ["up", "replica1"])).code).toBe(0);
    expect(
      (await queryOne<{ promoted: boolean }>(superuser(c, "replica1"), "SELECT pg_promote(true, 60) AS promoted"))
        .promoted,
    ).toBe(true);
    await waitFor("the app to write to replica1", async () =>
      db.monitor.writer()?.name === "replica1" ? true : undefined,
    );
    expect(db.monitor.writerLine()?.timeline).toBe(2);
    await waitFor("replica2 to be out as diverged", async () =>
      exclusionOf(db, "replica2") === "diverged" ? true : undefined,
    );

    const caller = (token?: string) =>
      createTRPCContext({
        headers: new Headers(token ? { "x-consistency-token": token } : {}),
        services: { db, adminToken: "x".repeat(32), idempotency: idempotencySettings(24) },
      }).then(createCaller);
    const withToken = await caller(w.consistencyToken);
    const without = await caller();
    let reads = 0;
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      const plain = await db.forRequest().read((r) => r.user.findUnique({ where: { id: w.data.id } }));
      expect(plain.data).toBeNull();
      expect(plain.servedBy.node).not.toBe("replica2");
      const tokened = await db
        .forRequest(w.consistencyToken)
        .read((r) => r.user.findUnique({ where: { id: w.data.id } }));
      expect(tokened.data).toBeNull();
      expect(tokened.servedBy).toMatchObject({ node: "replica1", reason: "write-lost" });
      expect(tokened.servedBy.detail).toMatch(/lost in a failover/);
      await expect(withToken.user.byId({ id: w.data.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: expect.stringMatching(/lost in a failover/),
      });
      await expect(without.user.byId({ id: w.data.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      reads += 4;
    }
    expect(reads).toBeGreaterThan(20);
    // A write made before the fork point is kept: its token is honoured, not called lost.
  });
});

describe("a replica promoted with pg_promote() while the old primary keeps running", () => {
  it("writes go to the promoted node once the app has seen both; the old primary gets no write and no read", async () => {
    const c = await cluster(2);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));
    const before = await db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    await waitFor("replica1 to replay it", async () =>
      (await replayedOn(c.replicaUrls[0], before.consistencyToken.split(":")[1])) ? true : undefined,
    );

    expect(
      (await queryOne<{ promoted: boolean }>(superuser(c, "replica1"), "SELECT pg_promote(true, 60) AS promoted"))
        .promoted,
    ).toBe(true);
    await waitFor("the app to see both writable nodes", async () =>
      db.monitor.writer()?.name === "replica1" ? true : undefined,
    );
    expect(routing(db, "primary")).toMatchObject({ routable: false, kind: "stale-primary" });
    expect(db.monitor.snapshot().find((h) => h.name === "primary")?.role).toBe("stale-primary");

    const written = [];
    for (let i = 0; i < 20; i++) written.push(await db.forRequest().write((tx) => tx.user.create({ data: newUser() })));
    expect(written.every((w) => w.servedBy.node === "replica1" && w.consistencyToken.startsWith("2:"))).toBe(true);
    const ids = written.map((w) => w.data.id);
    const onOld = await queryOne<{ n: number }>(
      c.primaryUrl,
      "SELECT count(*)::int AS n FROM users WHERE id = ANY($1)",
      [ids],
    );
    expect(onOld.n).toBe(0);
    for (let i = 0; i < 10; i++) {
      const read = await db.forRequest().read((r) => r.user.count());
      expect(read.servedBy.node).not.toBe("primary");
    }
    // The write made before the promotion, on timeline 1 before the fork, is kept by timeline 2.
    const kept = await db
      .forRequest(before.consistencyToken)
      .read((r) => r.user.findUnique({ where: { id: before.data.id } }));
    expect(kept.data?.id).toBe(before.data.id);
    expect(kept.servedBy.reason).not.toBe("write-lost");
  });
});

describe("two writable nodes on the same timeline", () => {
  it("refuses writes with a sentence until one of them goes, and keeps no node as the writer", async () => {
    const [a, b] = await Promise.all([cluster(0), cluster(0)]);
    const db = await dataLayer(a.primaryUrl, [b.primaryUrl]);
    expect(db.monitor.writer()).toBeUndefined();
    expect(routing(db, "primary")).toMatchObject({ kind: "conflicting-primary" });
    const write = db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    await expect(write).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(write).rejects.toThrow(/both accept writes on timeline 1/);
  });
});

describe("a replica that hangs (kill -STOP) under concurrent reads, plain and with a token", () => {
  it("fails no read, and the slowest read takes a small fraction of a second", async () => {
    const c = await cluster(2);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));
    const { consistencyToken, data } = await db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    await warmReplicaPools(db);
    const frozen = serverProcesses(node(c, "replica1").dataDir);
    for (const pid of frozen) process.kill(pid, "SIGSTOP");
    let latencies: ReadLatency[];
    try {
      latencies = await readConcurrently(db, consistencyToken, data.id, 1_500); // before the probes' 2 s timeout declares replica1 down
    } finally {
      for (const pid of frozen) process.kill(pid, "SIGCONT");
    }
    expect(
      latencies.length,
      JSON.stringify(latencies.map((l) => [Math.round(l.ms), l.node, l.hedged, l.detail])),
    ).toBeGreaterThan(50);
    expect(latencies.some((l) => l.hedged)).toBe(true);
    expect(latencies.every((l) => l.node !== "replica1" || !l.hedged)).toBe(true);
    const slowest = latencies.reduce((a, b) => (b.ms > a.ms ? b : a));
    // Hedged after at most 10 × READ_HEDGE_FLOOR_MS (200 ms here), then answered elsewhere; unhedged, such
    // a read would wait for the probes' 2 s connect timeout. The margin is for a loaded CI machine.
    expect(slowest.ms, JSON.stringify(slowest)).toBeLessThan(800);
    const slowestToken = Math.max(...latencies.filter((l) => l.token).map((l) => l.ms));
    expect(slowestToken).toBeLessThan(800);
  });
});

/** iptables needs root; the rule names one loopback port, so clusters of other tests are not touched. */
const canBlackHole =
  process.getuid?.() === 0 &&
  (() => {
    try {
      execFileSync("iptables", ["-L", "OUTPUT", "-n"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

describe.runIf(canBlackHole)("a replica black-holed by the network (iptables DROP) under concurrent reads", () => {
  it("fails no read, takes the replica out of routing as unreachable, and re-admits it when the network is back", async () => {
    const c = await cluster(2);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));
    const { consistencyToken, data } = await db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    await warmReplicaPools(db);
    const rule = ["OUTPUT", "-p", "tcp", "-d", "127.0.0.1", "--dport", String(node(c, "replica1").port), "-j", "DROP"];
    execFileSync("iptables", ["-A", ...rule]);
    let dropped = true;
    const restore = () => {
      if (dropped) execFileSync("iptables", ["-D", ...rule]);
      dropped = false;
    };
    cleanups.push(async () => restore());
    // Packets vanish: no RST, no error, only silence, which the hedges and then the probes must see.
    const latencies = await readConcurrently(db, consistencyToken, data.id, 3_000);
    expect(latencies.length).toBeGreaterThan(50);
    // Hedged by the ceiling (10 x READ_HEDGE_FLOOR_MS); the margin is for a loaded CI machine.
    expect(Math.max(...latencies.map((l) => l.ms))).toBeLessThan(800);
    await waitFor("replica1 out as unreachable", async () =>
      exclusionOf(db, "replica1") === "unreachable" ? true : undefined,
    );
    restore();
    await waitFor("replica1 routable again", async () => (routing(db, "replica1")?.routable ? true : undefined));
  });
});

describe("a commit whose position query fails", () => {
  it("answers success with a real token when the connection was terminated between the statements", async () => {
    const c = await cluster(1);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    const result = await db.forRequest().write(async (tx) => {
      const user = await tx.user.create({ data: newUser() });
      // Committed. Now every connection the position query could use is terminated.
      await queryOne(
        superuser(c, "primary"),
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tandem-monitor'",
      );
      return user;
    });
    expect(result.consistencyToken).toMatch(/^1:[0-9A-F]+\/[0-9A-F]+$/);
    const read = await db
      .forRequest(result.consistencyToken)
      .read((r) => r.user.findUnique({ where: { id: result.data.id } }));
    expect(read.data?.id).toBe(result.data.id);
  });

  it("answers success with a token that sends the next reads to the primary when the primary died right after the commit", async () => {
    const c = await cluster(1);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls);
    const primary = node(c, "primary");
    const result = await db.forRequest().write(async (tx) => {
      const user = await tx.user.create({ data: newUser() });
      signalPostmaster(primary.dataDir, "SIGQUIT"); // committed, then gone before the position can be asked
      await waitFor(
        "the primary to be down",
        async () =>
          await queryOne(c.primaryUrl, "SELECT 1").then(
            () => undefined,
            () => true,
          ),
      );
      return user;
    });
    expect(result.consistencyToken).toMatch(/^1:[0-9A-F]+\/[0-9A-F]+:primary$/);
    expect(result.servedBy.detail).toMatch(/next reads go to the primary/);
    expect((await clusterCli(c.root, ["up", "primary"])).code).toBe(0);
    const read = await waitFor("a read on the restarted primary", async () =>
      db
        .forRequest(result.consistencyToken)
        .read((r) => r.user.findUnique({ where: { id: result.data.id } }))
        .catch(() => undefined),
    );
    expect(read.data?.id).toBe(result.data.id);
    expect(read.servedBy).toMatchObject({ node: "primary", reason: "primary-only-token" });
  });
});

describe("a read cancelled on a replica by a conflict with recovery (40001)", () => {
  it("is retried on another node and answered", async () => {
    const c = await cluster(2);
    for (const name of ["replica1", "replica2"]) {
      await withClient(superuser(c, name), async (client) => {
        await client.query("ALTER SYSTEM SET max_standby_streaming_delay = 0");
        await client.query("SELECT pg_reload_conf()");
      });
    }
    const db = await dataLayer(c.primaryUrl, c.replicaUrls, { READ_HEDGE_FLOOR_MS: 0 }); // this read is slow on purpose
    await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));
    await db.forRequest().write((tx) => tx.user.create({ data: newUser() }));
    const reading = db
      .forRequest()
      .read(
        (r) =>
          r.$queryRaw<{ n: number }[]>`SELECT (SELECT count(*)::int FROM users) AS n, pg_sleep(1.5)::text AS slept`,
      );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the read holds its lock on users by now
    await withClient(c.superuserUrl, async (client) => {
      await client.query("BEGIN");
      await client.query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"); // replayed on the standbys: conflicts with the read's lock
      await client.query("COMMIT");
    });
    const { data, servedBy } = await reading;
    expect(data[0].n).toBe(1);
    expect(servedBy.detail).toMatch(/conflict with recovery; retried on/);
  });
});

describe("the app's own event loop stalls while a probe is in flight", () => {
  it("does not declare a healthy node unreachable", async () => {
    const c = await cluster(1);
    const db = await dataLayer(c.primaryUrl, c.replicaUrls, { DB_CONNECT_TIMEOUT_MS: 500 });
    await waitFor("the replica routable", async () => (db.monitor.routable().length === 1 ? true : undefined));
    const lost = db.nodes.map((n) => db.monitor.whenLost(n.name));
    const anyLost = Promise.race(lost.map((l) => l.lost.then(() => true)));
    const probing = db.monitor.probe();
    await new Promise((resolve) => setImmediate(resolve)); // the probe queries are on the wire
    const blockedUntil = performance.now() + 1_500; // past the probes' 1 s query timeout
    while (performance.now() < blockedUntil) {
      // a CPU-bound request, as far as the event loop can tell
    }
    await probing;
    await db.monitor.probe();
    expect(await Promise.race([anyLost, new Promise((resolve) => setTimeout(() => resolve(false), 200))])).toBe(false);
    expect(db.monitor.snapshot().every((h) => h.reachable)).toBe(true);
    for (const l of lost) l.cancel();
  });
});
