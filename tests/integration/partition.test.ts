/**
 * Network partitions between nodes on separate hosts: each node of the cluster in a network namespace of
 * its own (tests/support/netns.ts, docs/multi-host-testing.md), the app in the root namespace, and
 * packets dropped by iptables inside a node's namespace (silence, never a refusal).
 *   - replica1 cut off from everyone: reads never fail and stay bounded by hedging; it leaves routing as
 *     unreachable and comes back once the network heals;
 *   - replica2 cut off from the primary only (the app still reaches it): it falls behind, which the app
 *     sees as lag, not as errors; reads with a token never see data older than their write; after the
 *     heal it catches up and rejoins.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminUrl } from "~/cluster/context";
import { queryOne } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import type { NodeState } from "~/replication/state";
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import { createDataLayer } from "~/server/db/index";
import { startTestCluster, type TestCluster } from "../support/cluster";
import {
  latencyReport,
  type ReadLatency,
  readConcurrently,
  timed,
  warmReplicaPools,
} from "../support/concurrent-reads";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { migrate } from "../support/migrate";
import {
  createNetnsTopology,
  leftoversOf,
  type NetnsTopology,
  netnsUnavailable,
  sweepStaleNetns,
} from "../support/netns";

const SETTINGS = TEST_DATA_LAYER_SETTINGS;
/** Hedged by the ceiling (10 × READ_HEDGE_FLOOR_MS = 200 ms here); the margin is for a loaded CI machine. */
const MAX_READ_MS = 800;
const unavailable = netnsUnavailable();
if (unavailable) console.warn(`partition.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("a cluster on separate hosts (network namespaces), partitioned", () => {
  let topology: NetnsTopology | undefined;
  let cluster: TestCluster | undefined;
  let db: DataLayer | undefined;
  const started = performance.now();

  beforeAll(async () => {
    const swept = sweepStaleNetns();
    if (swept.length > 0) console.log(`removed what a killed run left: ${swept.join("; ")}`);
    topology = createNetnsTopology(["primary", "replica1", "replica2"]);
    cluster = await startTestCluster({ replicas: 2, network: topology.network });
    await migrate(cluster.ownerUrl);
    db = createDataLayer({
      ...SETTINGS,
      database: { source: "environment", primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls },
    });
    await db.monitor.start();
  });

  afterAll(async () => {
    try {
      await db?.close();
      await cluster?.stop();
    } finally {
      topology?.destroy(); // also if stopping failed: whatever still runs in a namespace is stopped with it
    }
    console.log(`partition.test.ts: ${Math.round(performance.now() - started)} ms from setup to teardown`);
    expect(leftoversOf()).toEqual([]);
  });

  const layer = () => db as DataLayer;
  const net = () => topology as NetnsTopology;
  const health = (name: string) =>
    layer()
      .monitor.snapshot()
      .find((h) => h.name === name);
  const exclusionOf = (name: string) => {
    const routing = health(name)?.routing;
    return routing && !routing.routable ? routing.kind : undefined;
  };
  const bothRoutable = () =>
    waitFor("both replicas routable", async () => (layer().monitor.routable().length === 2 ? true : undefined));
  const streamingFromPrimary = (name: string) =>
    waitFor(`${name} streaming from the primary`, async () => {
      const state = (cluster as TestCluster).state();
      const primary = state.nodes.find((n) => n.role === "primary") as NodeState;
      const row = await queryOne<{ n: number }>(
        adminUrl(state, primary),
        "SELECT count(*)::int AS n FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'",
        [name],
      );
      return row.n === 1 ? true : undefined;
    });
  let seq = 0;
  const newUser = () => ({ name: `Partition ${++seq}`, email: `partition${seq}-${Date.now()}@example.com` });

  it("runs every node in its own namespace, at its own address, TLS verified for that address", async () => {
    for (const node of net().nodes) {
      const url =
        node.name === "primary"
          ? (cluster as TestCluster).primaryUrl
          : (cluster as TestCluster).replicaUrls[Number(node.name.slice(-1)) - 1];
      expect(new URL(url).hostname).toBe(node.host);
      expect(new URL(url).searchParams.get("sslmode")).toBe("verify-full");
      expect((await queryOne<{ addr: string }>(url, "SELECT host(inet_server_addr()) AS addr")).addr).toBe(node.host);
    }
    // Replicas stream over the bridge, from their own addresses.
    const state = (cluster as TestCluster).state();
    const { rows } = await queryOne<{ rows: { name: string; addr: string }[] }>(
      adminUrl(state, state.nodes[0]),
      "SELECT coalesce(json_agg(json_build_object('name', application_name, 'addr', host(client_addr)) ORDER BY application_name), '[]') AS rows FROM pg_stat_replication",
    );
    expect(rows).toEqual(
      net()
        .nodes.slice(1)
        .map((n) => ({ name: n.name, addr: n.host })),
    );
  });

  it("replica1 cut off (DROP both ways) under concurrent reads: no read fails, reads stay bounded, replica1 is out as unreachable, then back", async () => {
    await bothRoutable();
    const { consistencyToken, data } = await layer()
      .forRequest()
      .write((tx) => tx.user.create({ data: newUser() }));
    await warmReplicaPools(layer());
    const routingChanges = watchRouting(layer());
    net().isolate("replica1");
    let latencies: ReadLatency[];
    try {
      // Packets vanish: no RST, no error, only silence, which the hedges and then the probes must see.
      latencies = await readConcurrently(layer(), consistencyToken, data.id, 3_000);
      await waitFor("replica1 out as unreachable", async () =>
        exclusionOf("replica1") === "unreachable" ? true : undefined,
      );
    } finally {
      net().heal("replica1");
    }
    console.log(latencyReport("replica1 isolated", latencies));
    console.log(`routing while replica1 was cut off:\n  ${routingChanges().join("\n  ")}`);
    expect(latencies.length).toBeGreaterThan(50);
    expect(latencies.some((l) => l.hedged)).toBe(true);
    expect(Math.max(...latencies.map((l) => l.ms))).toBeLessThan(MAX_READ_MS);
    expect(Math.max(...latencies.filter((l) => l.token).map((l) => l.ms))).toBeLessThan(MAX_READ_MS);
    expect(net().rules("replica1")).toEqual([]);
    await waitFor("replica1 routable again", async () => (health("replica1")?.routing.routable ? true : undefined), {
      timeoutMs: 60_000,
    });
    await streamingFromPrimary("replica1");
  });

  it("replica2 cut off from the primary only: growing lag and exclusion, never an error; tokened reads never stale; it catches up after the heal", async () => {
    await bothRoutable();
    await streamingFromPrimary("replica2");
    const routingChanges = watchRouting(layer());
    net().separate("replica2", "primary");
    const lags: number[] = [];
    const sampleLag = () => {
      const h = health("replica2");
      expect(h?.reachable, "the app still reaches replica2").toBe(true);
      if (h?.lagMs !== null && h?.lagMs !== undefined) lags.push(h.lagMs);
    };
    let outcome: { latencies: ReadLatency[]; tokened: TokenedRead[]; exclusions: Set<string> };
    try {
      // Until replica2 is well behind (its lag several times the limit) with enough tokened reads meanwhile;
      // a bound on time, not a count of reads, so a loaded machine takes longer rather than failing.
      const farBehind = () => Math.max(0, ...lags) > 4 * SETTINGS.REPLICA_MAX_LAG_MS;
      outcome = await writeAndReadUntil(
        layer(),
        (tokened) => farBehind() && tokened >= 10,
        20_000,
        sampleLag,
        () => exclusionOf("replica2"),
      );
    } finally {
      net().heal("replica2");
    }
    const { latencies, tokened, exclusions } = outcome;
    console.log(latencyReport("replica2 separated from the primary", latencies));
    console.log(
      `replica2's lag as the app measured it (ms, every 100 ms): ${lags.join(" ")}\nrouting:\n  ${routingChanges().join("\n  ")}`,
    );
    expect(tokened.length).toBeGreaterThanOrEqual(10);
    // Excluded for lag (its replay stands still while the primary moves on), not as unreachable.
    expect([...exclusions]).toContain("lagging");
    expect(exclusions.has("unreachable")).toBe(false);
    expect(Math.max(...lags)).toBeGreaterThan(SETTINGS.REPLICA_MAX_LAG_MS);
    expect(lags.at(-1)).toBeGreaterThan(lags.find((l) => l > 0) ?? Number.POSITIVE_INFINITY); // it grew
    // Reads with a token waited for, or went around, the stale replica: none of them missed its write.
    expect(tokened.filter((t) => !t.found)).toEqual([]);
    expect(Math.max(...latencies.map((l) => l.ms))).toBeLessThan(MAX_READ_MS);

    const last = tokened.at(-1) as TokenedRead;
    await waitFor("replica2 routable again", async () => (health("replica2")?.routing.routable ? true : undefined), {
      timeoutMs: 60_000,
    });
    await streamingFromPrimary("replica2");
    const lsn = last.token.split(":")[1];
    const url = (cluster as TestCluster).replicaUrls[1];
    expect(
      (await queryOne<{ ok: boolean }>(url, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [lsn])).ok,
    ).toBe(true);
    expect(
      (await queryOne<{ n: number }>(url, "SELECT count(*)::int AS n FROM users WHERE id = $1", [last.id])).n,
    ).toBe(1);
  });
});

interface TokenedRead {
  id: number;
  token: string;
  found: boolean;
}

/**
 * Until `done(tokened reads so far)` (or `timeoutMs`, which fails): a writer creating users, each read
 * back at once with its token; 4 plain readers; a sampler watching replica2 (its lag, and what routing
 * excludes it as) every 100 ms.
 */
async function writeAndReadUntil(
  db: DataLayer,
  done: (tokened: number) => boolean,
  timeoutMs: number,
  sample: () => void,
  exclusion: () => string | undefined,
) {
  const begin = performance.now();
  let finished = false;
  const running = () => {
    if (finished) return false;
    if (performance.now() - begin > timeoutMs) throw new Error(`not done within ${timeoutMs} ms`);
    return true;
  };
  const latencies: ReadLatency[] = [];
  const tokened: TokenedRead[] = [];
  const exclusions = new Set<string>();
  let n = 0;
  const writer = async () => {
    while (running()) {
      const written = await db
        .forRequest()
        .write((tx) => tx.user.create({ data: { name: `Lag ${++n}`, email: `lag${n}-${Date.now()}@example.com` } }));
      const row = await timed(latencies, begin, true, () =>
        db.forRequest(written.consistencyToken).read((r) => r.user.findUnique({ where: { id: written.data.id } })),
      );
      tokened.push({ id: written.data.id, token: written.consistencyToken, found: row?.id === written.data.id });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const reader = async () => {
    while (running()) await timed(latencies, begin, false, () => db.forRequest().read((r) => r.user.count()));
  };
  const sampler = async () => {
    while (running()) {
      sample();
      const kind = exclusion();
      if (kind) exclusions.add(kind);
      finished = done(tokened.length);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([writer(), sampler(), ...Array.from({ length: 4 }, reader)]);
  return { latencies, tokened, exclusions };
}

/** Every change of each node's routing (routable, or why not) while it runs, with when: what the report prints. */
function watchRouting(db: DataLayer): () => string[] {
  const begin = performance.now();
  const last = new Map<string, string>();
  const changes: string[] = [];
  const look = () => {
    for (const h of db.monitor.snapshot()) {
      const now = h.routing.routable ? "routable" : h.routing.kind;
      if (last.get(h.name) !== now) changes.push(`${(performance.now() - begin).toFixed(0)} ms ${h.name}: ${now}`);
      last.set(h.name, now);
    }
  };
  look();
  const timer = setInterval(look, 20);
  return () => {
    clearInterval(timer);
    return changes;
  };
}
