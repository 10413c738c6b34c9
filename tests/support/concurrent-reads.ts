/** Concurrent readers against a data layer, and what their latencies say: how the fault tests measure hedging. */
import { expect } from "vitest";
import { waitFor } from "../../src/cluster/wait-for";
import type { DataLayer } from "../../src/server/db/data-layer/data-layer";
import { TEST_DATA_LAYER_SETTINGS } from "./data-layer-settings";

/** Warms every pool connection of the replicas: reads on open connections are the ones that would hang. */
export async function warmReplicaPools(db: DataLayer): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 * TEST_DATA_LAYER_SETTINGS.REPLICA_POOL_SIZE }, () =>
      db.forRequest().read((r) => r.user.count()),
    ),
  );
  // (On a busy machine the warm-up itself may be hedged; start from both replicas in the routing set.)
  await waitFor("both replicas routable", async () => (db.monitor.routable().length === 2 ? true : undefined));
}

export interface ReadLatency {
  ms: number;
  token: boolean;
  node: string;
  hedged: boolean;
  detail: string;
  /** When the read started, in ms after the readers did. */
  at: number;
}

/** Times one read and records how it was served. */
export async function timed<T>(
  latencies: ReadLatency[],
  begin: number,
  token: boolean,
  read: () => Promise<{ data: T; servedBy: { node: string; hedged: boolean; detail: string } }>,
): Promise<T> {
  const started = performance.now();
  const { data, servedBy } = await read();
  latencies.push({
    ms: performance.now() - started,
    token,
    node: servedBy.node,
    hedged: servedBy.hedged,
    detail: servedBy.detail,
    at: started - begin,
  });
  return data;
}

/** 8 readers for `ms`, half sending the write's token, each read checked to find the row. */
export async function readConcurrently(
  db: DataLayer,
  consistencyToken: string,
  id: number,
  ms: number,
): Promise<ReadLatency[]> {
  const latencies: ReadLatency[] = [];
  const begin = performance.now();
  const reader = async (token: boolean) => {
    while (performance.now() < begin + ms) {
      const row = await timed(latencies, begin, token, () =>
        db.forRequest(token ? consistencyToken : undefined).read((r) => r.user.findUnique({ where: { id } })),
      );
      expect(row?.id).toBe(id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, i) => reader(i % 2 === 0)));
  return latencies;
}

/** For the test's output: how many reads, p50/p99/max, hedges, which node served them, and the slowest few. */
export function latencyReport(what: string, latencies: ReadLatency[], slowMs = 250): string {
  const sorted = latencies.map((l) => l.ms).sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  const counts = new Map<string, number>();
  for (const l of latencies) counts.set(l.node, (counts.get(l.node) ?? 0) + 1);
  const byNode = [...counts].map(([node, count]) => `${node} ${count}`).join(", ");
  const slow = latencies
    .filter((l) => l.ms > slowMs)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10)
    .map(
      (l) =>
        `  at ${l.at.toFixed(0)} ms: ${l.ms.toFixed(0)} ms on ${l.node}${l.hedged ? " (hedged)" : ""}${l.token ? " [token]" : ""}: ${l.detail}`,
    );
  const summary = `${what}: ${latencies.length} reads, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; hedged ${latencies.filter((l) => l.hedged).length}; served by ${byNode}`;
  return slow.length > 0 ? `${summary}; the slowest (over ${slowMs} ms):\n${slow.join("\n")}` : summary;
}
