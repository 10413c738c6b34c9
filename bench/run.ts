/**
 * `npm run bench [-- --rows N] [-- --only http,search]`: one run on a throwaway cluster (primary + 2
 * replicas, free ports, temp dir) and the production build of the app's server, printing markdown tables:
 *   replication  visibility latency (commit → replayed on a replica) and the read-your-writes wait;
 *   in-process   `findUnique` by id: raw `pg`, the bare extension, the data layer (what routing costs);
 *   writes       a Tandem write (db.write + consistency token) vs a bare Prisma create, concurrency 16;
 *   http         `user.byId` over HTTP at concurrency 1/16/64: tRPC on the API fast path and through
 *                Next's router, raw `pg` and bare-extension routes through Next, raw `pg` on the fast
 *                path (the floor), Next's /api/health;
 *   search       the user search at N rows (--rows, default 1,000,000): strategy vs plain query
 *                in-process, and over HTTP at concurrency 4, for common, rare, no-match and old-only terms;
 *   hedging      replica reads hedged vs unhedged, with nothing wrong and with replica1 frozen (SIGSTOP);
 *   status       replication.status (what the admin page polls): per-call connections vs the monitor's pools;
 *   tls          TLS vs plain TCP: connection setup and `user.byId` on an open connection (BENCH_TLS_ROUNDS).
 * Variants are warmed up and run in interleaved rounds (the order rotating), medians and ratios printed.
 * Knobs (environment): BENCH_ROUNDS, BENCH_OPS, BENCH_REPLICATION_ROUNDS, BENCH_HTTP_SECONDS,
 * BENCH_HTTP_ROUNDS, BENCH_SEARCH_ROUNDS, BENCH_SEARCH_PLAIN_ROUNDS, BENCH_ROWS, BENCH_HEDGE_WINDOW_MS,
 * BENCH_HEDGE_WINDOWS, BENCH_TLS_ROUNDS, BENCH_ONLY (README).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePorts } from "../src/cluster/ports";
import { waitFor } from "../src/cluster/wait-for";
import { parseEnv } from "../src/config/parse-env";
import { SERVER_BUNDLE } from "../src/scripts/server-bundle";
import { createDataLayer } from "../src/server/db/index";
import { startTestCluster } from "../tests/support/cluster";
import { migrate } from "../tests/support/migrate";
import { hedgingBench, hedgingLine } from "./hedging";
import { HTTP_VARIANTS, httpVariants, measureHttp } from "./http";
import { byIdInProcess } from "./in-process";
import type { VariantResult } from "./interleave";
import { readYourWritesWait, visibilityLatency } from "./replication";
import { searchInProcess, searchOverHttp, searchTerms, seedUsers } from "./search";
import { ratio } from "./stats";
import { benchReplicationStatus } from "./status";
import { writes } from "./writes";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECTIONS = ["replication", "in-process", "writes", "http", "search", "hedging", "status", "tls"] as const;
const { values: args } = parseArgs({ options: { rows: { type: "string" }, only: { type: "string" } } });
const knob = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive whole number, not ${process.env[name]}`);
  return value;
};
const ROWS = Number(args.rows ?? process.env.BENCH_ROWS ?? 1_000_000);
if (!Number.isInteger(ROWS) || ROWS < 1000)
  throw new Error(`--rows must be a whole number of at least 1000, not ${args.rows ?? process.env.BENCH_ROWS}`);
const ONLY = (args.only ?? process.env.BENCH_ONLY ?? SECTIONS.join(",")).split(",").map((s) => s.trim());
for (const section of ONLY)
  if (!SECTIONS.includes(section as (typeof SECTIONS)[number]))
    throw new Error(`unknown section "${section}"; sections: ${SECTIONS.join(", ")}`);
const runs = (section: (typeof SECTIONS)[number]) => ONLY.includes(section);
const ROUNDS = { rounds: knob("BENCH_ROUNDS", 5), opsPerRound: knob("BENCH_OPS", 2000), warmupOps: 500 };
const HEDGE_WINDOW_MS = knob("BENCH_HEDGE_WINDOW_MS", 3000);
const HEDGE_WINDOWS = knob("BENCH_HEDGE_WINDOWS", 2);
const log = (message: string) => console.error(`[bench] ${message}`);
const out = (line = "") => console.log(line);
const ms = (value: number) => `${value.toFixed(2)} ms`;

const cluster = await startTestCluster({ replicas: 2 });
let server: ChildProcess | undefined;
try {
  out(
    `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; ${await serverVersion(cluster.primaryUrl)}`,
  );
  out(
    `Load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work on the machine shares these cores)`,
  );
  log("migrating and seeding 1000 users");
  await migrate(cluster.ownerUrl);
  const ids = await seed(cluster.primaryUrl, 1000);
  // The app's defaults (pool sizes, probe interval, lag bounds), as `npm start` would run with, on the
  // cluster's URLs (a static topology: the bench's cluster is not the one under ./.tandem).
  const config = parseEnv(
    { NODE_ENV: "test", DATABASE_URL: cluster.primaryUrl, DATABASE_REPLICA_URLS: cluster.replicaUrls[0] },
    { embedded: () => undefined },
  );
  const db = createDataLayer(config);

  if (runs("replication")) {
    const rounds = knob("BENCH_REPLICATION_ROUNDS", 500);
    log(`replication: ${rounds} commits, ${rounds} create-then-read`);
    const visibility = await visibilityLatency(cluster.ownerUrl, cluster.replicaUrls[0], rounds); // it creates its own table
    const ryw = await readYourWritesWait(db, rounds);
    out("\n## Replication\n\n| what | p50 | p99 |\n| --- | --- | --- |");
    out(`| visibility: commit on the primary → replayed on replica1 | ${ms(visibility.p50)} | ${ms(visibility.p99)} |`);
    out(
      `| read-your-writes wait in the data layer (${ryw.fromReplica} of ${rounds} served by a replica, ${ryw.fellBack} fell back) | ${ms(ryw.wait.p50)} | ${ms(ryw.wait.p99)} |`,
    );
  }

  if (runs("in-process")) {
    log("in-process findUnique by id");
    const results = await byIdInProcess(cluster.primaryUrl, cluster.replicaUrls[0], db, ids, {
      ...ROUNDS,
      concurrency: 1,
    });
    printVariants("findUnique by id, in-process, one replica, sequential", results);
  }

  if (runs("writes")) {
    log("writes at concurrency 16");
    const results = await writes(cluster.primaryUrl, config.DATABASE_POOL_SIZE, db, { ...ROUNDS, concurrency: 16 });
    printVariants("Writes in-process, concurrency 16", results);
  }

  if (runs("http") || runs("search")) {
    const base = await startServer();
    if (runs("http")) {
      const concurrencies = [1, 16, 64];
      const results = await measureHttp(
        httpVariants(base),
        ids,
        { concurrencies, seconds: knob("BENCH_HTTP_SECONDS", 3), rounds: knob("BENCH_HTTP_ROUNDS", 3) },
        log,
      );
      out(`\n## user.byId over HTTP (wrk, keep-alive, one replica; medians of rounds)\n`);
      out(`| variant | ${concurrencies.map((c) => `c${c} req/s | c${c} p50 | c${c} p99`).join(" | ")} |`);
      out(`| --- | ${concurrencies.map(() => "--- | --- | ---").join(" | ")} |`);
      for (const [name, byC] of Object.entries(results)) {
        out(
          `| ${name} | ${concurrencies.map((c) => `${byC[c].requestsPerSecond.toFixed(0)} | ${ms(byC[c].p50)} | ${ms(byC[c].p99)}`).join(" | ")} |`,
        );
      }
      const rps = (name: string, c: number) => results[name][c].requestsPerSecond;
      out("");
      for (const c of concurrencies) {
        out(
          `- c${c}: tRPC fast path vs raw pg through Next ${ratio(rps(HTTP_VARIANTS.trpcFast, c), rps(HTTP_VARIANTS.rawNext, c))}; ` +
            `vs tRPC through Next ${ratio(rps(HTTP_VARIANTS.trpcFast, c), rps(HTTP_VARIANTS.trpcNext, c))}; ` +
            `floor (raw pg on the fast path) vs raw pg through Next ${ratio(rps(HTTP_VARIANTS.rawFast, c), rps(HTTP_VARIANTS.rawNext, c))}`,
        );
      }
      const c64 = results[HTTP_VARIANTS.trpcFast][64];
      out(`- tRPC fast path at c64: p99/p50 ${(c64.p99 / c64.p50).toFixed(2)}`);
    }
    if (runs("search")) {
      await seedUsers(cluster.primaryUrl, ROWS, log);
      await caughtUp(cluster.primaryUrl, cluster.replicaUrls[0]);
      const terms = searchTerms(ROWS);
      log("search in-process: strategy vs plain query");
      const inProcess = await searchInProcess(
        db,
        terms,
        knob("BENCH_SEARCH_ROUNDS", 50),
        knob("BENCH_SEARCH_PLAIN_ROUNDS", 3),
      );
      log("search over HTTP at concurrency 4");
      const overHttp = await searchOverHttp(
        base,
        terms,
        4,
        knob("BENCH_HTTP_SECONDS", 3),
        knob("BENCH_HTTP_ROUNDS", 3),
        log,
      );
      out(`\n## User search at ${ROWS.toLocaleString("en")} seeded rows (first page, 20 rows)\n`);
      out(
        "| term | rows on page | strategy p50 | strategy p99 | plain query p50 | plain / strategy (p50) | HTTP c4 searches/s | HTTP c4 p50 | HTTP c4 p99 |",
      );
      out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      for (const [kind, search] of Object.entries(terms)) {
        const r = inProcess[kind];
        const h = overHttp.get(kind);
        out(
          `| ${kind} (\`${search}\`) | ${Math.min(r.matches, 20)} | ${ms(r.strategy.p50)} | ${ms(r.strategy.p99)} | ${ms(r.plain.p50)} | ${ratio(r.plain.p50, r.strategy.p50)} | ${h?.requestsPerSecond.toFixed(0)} | ${ms(h?.p50 ?? Number.NaN)} | ${ms(h?.p99 ?? Number.NaN)} |`,
        );
      }
    }
  }

  // After every section that reads through `db`: freezing replica1 would leave its monitor routing around it for a while.
  if (runs("hedging")) {
    log(`hedging: ${HEDGE_WINDOWS} windows of ${HEDGE_WINDOW_MS} ms per variant, nothing wrong, then replica1 frozen`);
    const hedging = await hedgingBench(cluster, ids, HEDGE_WINDOW_MS, HEDGE_WINDOWS);
    out(
      `\n## Hedged replica reads (concurrency 8, half carrying a token; windows of ${HEDGE_WINDOW_MS} ms, variants alternating)\n\n\`\`\``,
    );
    for (const [key, r] of Object.entries(hedging)) {
      out(hedgingLine(`${key}: plain reads`, r.plain));
      out(hedgingLine(`${key}: reads with a token`, r.token));
      out(hedgingLine(`${key}: read-your-writes wait`, r.rywWait));
    }
    out("```");
    const cost = hedging["hedged, none"].plain.p50 / hedging["unhedged, none"].plain.p50;
    const gain = hedging["unhedged, replica1 SIGSTOP"].plain.max / hedging["hedged, replica1 SIGSTOP"].plain.max;
    out(
      `\nHedging with nothing wrong: p50 ×${cost.toFixed(2)} of unhedged; with replica1 hung: max read ${gain.toFixed(1)}× shorter`,
    );
  }

  if (runs("status")) {
    log("replication.status: interleaved");
    out(
      `\n## replication.status (what the admin page polls; interleaved)\n\n\`\`\`\n${await benchReplicationStatus(cluster)}\n\`\`\``,
    );
  }
  if (runs("tls")) {
    log("tls: interleaved");
    await (await import("./tls")).tlsBench(cluster, ids, knob("BENCH_TLS_ROUNDS", 300));
  }
  await db.close();
  out(
    `\nLoad average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await cluster.stop();
}

function printVariants(title: string, results: VariantResult[]): void {
  out(
    `\n## ${title} (medians of ${ROUNDS.rounds} interleaved rounds of ${ROUNDS.opsPerRound})\n\n| variant | ops/s | p50 | p99 | vs ${results.at(-1)?.name} |\n| --- | --- | --- | --- | --- |`,
  );
  const last = results.at(-1) as VariantResult;
  for (const r of results)
    out(
      `| ${r.name} | ${r.opsPerSecond.toFixed(0)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${ratio(r.opsPerSecond, last.opsPerSecond)} |`,
    );
}

/** The app's production server (`npm start`'s bundle), built first if there is no build. */
async function startServer(): Promise<string> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID")) || !existsSync(path.join(ROOT, SERVER_BUNDLE))) {
    log("npm run build (no build yet)");
    if (spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" }).status !== 0)
      throw new Error("npm run build failed");
  }
  const [port] = await freePorts(1);
  const base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [SERVER_BUNDLE, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: cluster.primaryUrl,
      // One replica, so every variant reads from the same node.
      DATABASE_REPLICA_URLS: cluster.replicaUrls[0],
      ADMIN_TOKEN: `bench-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
      TANDEM_BENCH_ROUTES: "1",
    },
  });
  await waitFor(
    "the server",
    async () => ((await fetch(`${base}/api/health`).catch(() => undefined))?.ok ? true : undefined),
    { timeoutMs: 60_000 },
  );
  return base;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function serverVersion(url: string): Promise<string> {
  return withClient(
    url,
    async (c) =>
      `PostgreSQL ${(await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v}`,
  );
}

async function seed(url: string, count: number): Promise<number[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      "INSERT INTO users (name, email) SELECT 'Seed ' || g, 'seed' || g || '@bench.example' FROM generate_series(1, $1) g RETURNING id",
      [count],
    );
    return rows.map((r) => r.id);
  });
}

/** Until the replica has replayed everything the primary has flushed (the seed, the VACUUM). */
async function caughtUp(primaryUrl: string, replicaUrl: string): Promise<void> {
  const lsn = await withClient(
    primaryUrl,
    async (c) => (await c.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn")).rows[0].lsn,
  );
  await withClient(replicaUrl, (c) =>
    waitFor(
      "the replica to replay the seed",
      async () =>
        (await c.query<{ ok: boolean }>("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [lsn])).rows[0].ok
          ? true
          : undefined,
      { timeoutMs: 300_000 },
    ),
  );
}
