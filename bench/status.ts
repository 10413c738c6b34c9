/**
 * replication.status, what the admin page polls every second: its cost per call before and after the
 * status moved onto the monitor's pooled connections, variants interleaved round by round:
 *   - before: the cluster manager's status over new connections (one per node, plus the writer's view),
 *     and the routing view: what the router did per call;
 *   - after, a fresh round: the merged view with the 1-s details forgotten first, so every call queries
 *     every node over the monitor's pools (the cost of one round);
 *   - after, as polled: the merged view as callers get it within the shared second.
 * Then what N pages polling every second cost the database: status queries per node per second.
 *
 * `npm run bench` runs it on its cluster (one line in run.ts); alone: `npx tsx bench/status.ts`.
 * BENCH_STATUS_ROUNDS (default 200) rounds; BENCH_STATUS_PAGES (default 10) pollers for 5 s.
 */
import { clusterStatus } from "../src/cluster/status";
import { topologyOfUrls } from "../src/cluster/topology";
import { namedNodes } from "../src/config/database";
import { parseEnv } from "../src/config/parse-env";
import { createDataLayer } from "../src/server/db/index";
import { replicationStatus } from "../src/server/node-status";
import { forgetReplicationDetails } from "../src/server/replication-details";
import { routingView } from "../src/server/routing-view";
import { line, type Summary, summarize } from "./stats";

const ROUNDS = Number(process.env.BENCH_STATUS_ROUNDS ?? 200);
const PAGES = Number(process.env.BENCH_STATUS_PAGES ?? 10);
const POLL_SECONDS = 5;

export async function benchReplicationStatus(cluster: { primaryUrl: string; replicaUrls: string[] }): Promise<string> {
  // The app's defaults (pool sizes, probe interval), on the cluster's URLs.
  const env = parseEnv(
    { NODE_ENV: "test", DATABASE_URL: cluster.primaryUrl, DATABASE_REPLICA_URLS: cluster.replicaUrls.join(",") },
    { embedded: () => undefined },
  );
  const db = createDataLayer(env);
  try {
    await db.monitor.start();
    const topology = topologyOfUrls(namedNodes(cluster));
    const variants: [string, () => Promise<unknown>][] = [
      ["before: new connections per call", () => Promise.all([clusterStatus(topology), routingView(db)])],
      [
        "after: a fresh round on the monitor's pools",
        () => {
          forgetReplicationDetails(db);
          return replicationStatus(db, undefined);
        },
      ],
      ["after: as polled (round shared for 1 s)", () => replicationStatus(db, undefined)],
    ];
    const samples = variants.map((): number[] => []);
    for (let round = -10; round < ROUNDS; round++) {
      for (const [i, [, call]] of variants.entries()) {
        const started = performance.now();
        await call();
        if (round >= 0) samples[i].push(performance.now() - started); // the first ten rounds warm up
      }
    }
    const summaries: Summary[] = samples.map(summarize);
    const lines = variants.map(([name], i) => line(name, summaries[i]));
    lines.push(`${"fresh round vs before".padEnd(52)} p50 ×${(summaries[1].p50 / summaries[0].p50).toFixed(3)}`);

    // N pages, each asking once a second at its own phase, as open admin tabs do.
    const monitorQuery = db.monitor.query.bind(db.monitor);
    let queries = 0;
    db.monitor.query = (...args) => {
      queries++;
      return monitorQuery(...args);
    };
    const until = performance.now() + POLL_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: PAGES }, async (_, page) => {
        await new Promise((resolve) => setTimeout(resolve, (page * 1000) / PAGES));
        while (performance.now() < until) {
          const asked = performance.now();
          await replicationStatus(db, undefined);
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - asked))));
        }
      }),
    );
    const perNodePerSecond = queries / POLL_SECONDS / db.nodes.length;
    lines.push(
      `${`${PAGES} pages polling every second, ${POLL_SECONDS} s`.padEnd(52)} ${perNodePerSecond.toFixed(2)} status queries per node per second (before: ${PAGES}, each on a new connection)`,
    );
    return lines.join("\n");
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startTestCluster } = await import("../tests/support/cluster");
  const { migrate } = await import("../tests/support/migrate");
  const cluster = await startTestCluster({ replicas: 2 });
  try {
    await migrate(cluster.ownerUrl);
    console.log(`\n## replication.status (${ROUNDS} rounds, interleaved)`);
    console.log(await benchReplicationStatus(cluster));
  } finally {
    await cluster.stop();
  }
}
