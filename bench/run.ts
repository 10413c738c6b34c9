/**
 * `npm run bench`: one run, on a throwaway cluster (primary + 2 replicas, free ports, temp dir) and a
 * production build of the app, reporting:
 *   1. replica visibility latency (commit → replayed on the replica), p50/p99;
 *   2. read-your-writes wait through the data layer, p50/p99;
 *   3. `findUnique` by id in-process: raw `pg`, the bare extension, the data layer (what routing costs);
 *   4. `user.byId` over HTTP: the app's tRPC procedure vs a raw-`pg` route handler and vs the bare
 *      read-replicas extension, on the same replica, with ratios.
 * Sizes: BENCH_ROUNDS (default 500) commits/reads for 1-2, BENCH_REQUESTS (default 2000) per HTTP variant.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePorts } from "../src/cluster/ports";
import { waitFor } from "../src/cluster/wait-for";
import { parseEnv } from "../src/config/parse-env";
import { createDataLayer } from "../src/server/db/index";
import { startTestCluster } from "../tests/support/cluster";
import { migrate } from "../tests/support/migrate";
import { type HttpResult, baselineUrl, measureHttp, trpcByIdUrl } from "./http";
import { hedgingBench, hedgingLine } from "./hedging";
import { byIdInProcess } from "./in-process";
import { readYourWritesWait, visibilityLatency } from "./replication";
import { line } from "./stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 500);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = 16;
const HEDGE_WINDOW_MS = Number(process.env.BENCH_HEDGE_WINDOW_MS ?? 3000);
const HEDGE_WINDOWS = Number(process.env.BENCH_HEDGE_WINDOWS ?? 2);
const log = (message: string) => console.error(`[bench] ${message}`);

const cluster = await startTestCluster({ replicas: 2 });
let server: ReturnType<typeof spawn> | undefined;
try {
  log("migrating and seeding 1000 users");
  await migrate(cluster.primaryUrl);
  const ids = await seed(cluster.primaryUrl, 1000);

  log(`visibility latency: ${ROUNDS} commits`);
  const visibility = await visibilityLatency(cluster.primaryUrl, cluster.replicaUrls[0], ROUNDS);

  log(`read-your-writes: ${ROUNDS} create-then-read`);
  // The app's defaults (pool sizes, probe interval, lag bounds), as `npm start` would run with.
  const db = createDataLayer(parseEnv({ NODE_ENV: "test" }, { embedded: () => ({ primary: cluster.primaryUrl, replicas: [cluster.replicaUrls[0]], names: ["primary", "replica1"] }) }));
  const ryw = await readYourWritesWait(db, ROUNDS);

  log(`in-process findUnique: ${REQUESTS} per variant`);
  const inProcess = await byIdInProcess(cluster.primaryUrl, cluster.replicaUrls[0], db, ids, REQUESTS);
  await db.close();

  log(`hedging: ${HEDGE_WINDOWS} windows of ${HEDGE_WINDOW_MS} ms per variant, nothing wrong, then replica1 frozen`);
  const hedging = await hedgingBench(cluster, ids, HEDGE_WINDOW_MS, HEDGE_WINDOWS);

  log("production server (next build if needed)");
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    const build = spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const [port] = await freePorts(1);
  const base = `http://127.0.0.1:${port}`;
  server = spawn(path.join(ROOT, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: cluster.primaryUrl,
      // One replica, so all three variants read from the same node.
      DATABASE_REPLICA_URLS: cluster.replicaUrls[0],
      ADMIN_TOKEN: `bench-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
      TANDEM_BENCH_ROUTES: "1",
    },
  });
  await waitFor("the server", async () => ((await fetch(`${base}/api/health`).catch(() => undefined))?.ok ? true : undefined), { timeoutMs: 60_000 });

  const http: Record<string, HttpResult> = {};
  for (const [name, urlFor] of [
    ["tRPC user.byId (Tandem data layer)", trpcByIdUrl(base)],
    ["route handler, raw pg", baselineUrl(base, "raw-pg")],
    ["route handler, bare read-replicas extension", baselineUrl(base, "bare-extension")],
  ] as const) {
    log(`HTTP: ${name}, ${REQUESTS} sequential + ${REQUESTS} at concurrency ${CONCURRENCY}`);
    http[name] = await measureHttp(urlFor, ids, REQUESTS, CONCURRENCY);
  }

  console.log("\n## Replication");
  console.log(line("visibility: commit → replayed on replica1", visibility));
  console.log(line("read-your-writes wait (data layer)", ryw.wait));
  console.log(`${"read-your-writes reads served by a replica".padEnd(52)} ${ryw.fromReplica}/${ROUNDS} (fell back to the primary: ${ryw.fellBack})`);
  console.log(`\n## Hedged replica reads (concurrency 8, half carrying a token; windows of ${HEDGE_WINDOW_MS} ms, variants alternating)`);
  for (const [key, r] of Object.entries(hedging)) {
    console.log(hedgingLine(`${key}: plain reads`, r.plain));
    console.log(hedgingLine(`${key}: reads with a token`, r.token));
    console.log(hedgingLine(`${key}: read-your-writes wait`, r.rywWait));
  }
  const cost = hedging["hedged, none"].plain.p50 / hedging["unhedged, none"].plain.p50;
  const gain = hedging["unhedged, replica1 SIGSTOP"].plain.max / hedging["hedged, replica1 SIGSTOP"].plain.max;
  console.log(`hedging with nothing wrong: p50 ×${cost.toFixed(2)} of unhedged; with replica1 hung: max read ${gain.toFixed(1)}× shorter`);
  console.log("\n## findUnique by id, in-process (no HTTP), same replica");
  for (const [name, summary] of Object.entries(inProcess)) console.log(line(name, summary));
  console.log(`\n## user.byId over HTTP (one replica, keep-alive, concurrency ${CONCURRENCY} for ops/s)`);
  const [ours, raw, bare] = Object.values(http);
  for (const [name, result] of Object.entries(http)) {
    console.log(`${line(name, result.sequential)}  ${result.opsPerSecond.toFixed(0).padStart(6)} ops/s seq  ${result.concurrentOpsPerSecond.toFixed(0).padStart(6)} ops/s conc`);
  }
  const ratio = (a: HttpResult, b: HttpResult) =>
    `p50 ×${(a.sequential.p50 / b.sequential.p50).toFixed(2)}, concurrent throughput ×${(a.concurrentOpsPerSecond / b.concurrentOpsPerSecond).toFixed(2)}`;
  console.log(`\nTandem vs raw pg:          ${ratio(ours, raw)}`);
  console.log(`Tandem vs bare extension:  ${ratio(ours, bare)}`);
  console.log(`\n## replication.status (what the admin page polls; interleaved)\n${await (await import("./status")).benchReplicationStatus(cluster)}`);
  await (await import("./tls")).tlsBench(cluster, ids, REQUESTS);
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await cluster.stop();
}

async function seed(url: string, count: number): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: number }>(
      "INSERT INTO users (name, email) SELECT 'Seed ' || g, 'seed' || g || '@bench.example' FROM generate_series(1, $1) g RETURNING id",
      [count],
    );
    return rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}
