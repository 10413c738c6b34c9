/**
 * Hedged replica reads, measured: read latency (p50/p99/max) at concurrency 8, hedged (the default
 * READ_HEDGE_FLOOR_MS) and unhedged (0), first with nothing wrong (what hedging costs), then with
 * replica1 frozen by SIGSTOP (what it buys), plain reads and reads carrying a consistency token. The
 * variants alternate window by window, each window on a fresh data layer so one's routing state
 * (a replica marked suspect) does not help the next.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { waitFor } from "../src/cluster/wait-for";
import { parseEnv } from "../src/config/parse-env";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { createDataLayer } from "../src/server/db/index";
import type { TestCluster } from "../tests/support/cluster";
import { percentile } from "./stats";

const CONCURRENCY = 8;
const VARIANTS = { hedged: undefined, unhedged: "0" } as const;

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export function hedgingLine(label: string, s: LatencySummary): string {
  return `${label.padEnd(52)} n=${String(s.n).padStart(5)}  p50 ${s.p50.toFixed(2).padStart(8)} ms  p99 ${s.p99.toFixed(2).padStart(8)} ms  max ${s.max.toFixed(1).padStart(8)} ms`;
}

export async function hedgingBench(cluster: TestCluster, ids: number[], windowMs: number, windows: number) {
  const samples: Record<string, { plain: number[]; token: number[]; rywWait: number[] }> = {};
  const faults = ["none", "replica1 SIGSTOP"] as const;
  for (const fault of faults) {
    for (let w = 0; w < windows; w++) {
      for (const [variant, floor] of Object.entries(VARIANTS)) {
        const key = `${variant}, ${fault}`;
        samples[key] ??= { plain: [], token: [], rywWait: [] };
        const db = createDataLayer(
          parseEnv(
            {
              NODE_ENV: "test",
              DATABASE_URL: cluster.primaryUrl,
              DATABASE_REPLICA_URLS: cluster.replicaUrls.join(","),
              ...(floor === undefined ? {} : { READ_HEDGE_FLOOR_MS: floor }),
            },
            { embedded: () => undefined },
          ),
        );
        try {
          await window(db, cluster, ids, windowMs, fault === "replica1 SIGSTOP", samples[key]);
        } finally {
          await db.close();
        }
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([key, s]) => [
      key,
      { plain: summarize(s.plain), token: summarize(s.token), rywWait: summarize(s.rywWait) },
    ]),
  );
}

async function window(
  db: DataLayer,
  cluster: TestCluster,
  ids: number[],
  windowMs: number,
  freeze: boolean,
  out: { plain: number[]; token: number[]; rywWait: number[] },
) {
  await db.monitor.start();
  await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined), {
    timeoutMs: 60_000,
  });
  const { consistencyToken } = await db
    .forRequest()
    .write((tx) => tx.user.update({ where: { id: ids[0] }, data: { name: `Hedge ${Date.now()}` } }));
  // Warm each pool, so reads on replica1 are on open connections (the ones a freeze holds).
  for (let i = 0; i < 200; i++)
    await db.forRequest().read((r) => r.user.findUnique({ where: { id: ids[i % ids.length] } }));
  await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined), {
    timeoutMs: 60_000,
  });
  const frozen = freeze
    ? serverProcesses(cluster.state().nodes.find((n) => n.name === "replica1")?.dataDir as string)
    : [];
  for (const pid of frozen) process.kill(pid, "SIGSTOP");
  try {
    const until = performance.now() + windowMs;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, reader) => {
        for (let i = reader; performance.now() < until; i += CONCURRENCY) {
          const token = reader % 2 === 0;
          const started = performance.now();
          const { servedBy } = await (token ? db.forRequest(consistencyToken) : db.forRequest()).read((r) =>
            r.user.findUnique({ where: { id: ids[i % ids.length] } }),
          );
          (token ? out.token : out.plain).push(performance.now() - started);
          if (token) out.rywWait.push(servedBy.waitedMs);
        }
      }),
    );
  } finally {
    for (const pid of frozen) process.kill(pid, "SIGCONT");
  }
}

/** The postmaster of a node and its children: the whole server, to freeze or thaw. */
function serverProcesses(dataDir: string): number[] {
  const pid = Number(readFileSync(`${dataDir}/postmaster.pid`, "utf8").split("\n")[0]);
  const children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map(Number);
  return [pid, ...children];
}
