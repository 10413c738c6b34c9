/**
 * Replication as the app experiences it:
 *  - visibility latency: commit on the primary → a replica's replay position has passed the commit's
 *    flush LSN (polled on an open connection, so no connect time is counted);
 *  - read-your-writes wait: create through the data layer, then read it back with the returned token;
 *    the time the data layer spent waiting for a replica to replay it (0 when one already had).
 */
import pg from "pg";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { type Summary, summarize } from "./stats";

export async function visibilityLatency(primaryUrl: string, replicaUrl: string, rounds: number): Promise<Summary> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const replica = new pg.Client({ connectionString: replicaUrl });
  await Promise.all([primary.connect(), replica.connect()]);
  try {
    await primary.query(
      "CREATE TABLE IF NOT EXISTS bench_visibility (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())",
    );
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await primary.query("INSERT INTO bench_visibility DEFAULT VALUES");
      const committed = performance.now();
      const { rows } = await primary.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn");
      for (;;) {
        const seen = await replica.query<{ ok: boolean }>("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [
          rows[0].lsn,
        ]);
        if (seen.rows[0].ok) break;
      }
      samples.push(performance.now() - committed);
    }
    await primary.query("DROP TABLE bench_visibility");
    return summarize(samples);
  } finally {
    await Promise.all([primary.end(), replica.end()]);
  }
}

export async function readYourWritesWait(
  db: DataLayer,
  rounds: number,
): Promise<{ wait: Summary; fromReplica: number; fellBack: number }> {
  const waits: number[] = [];
  let fromReplica = 0;
  let fellBack = 0;
  for (let i = 0; i < rounds; i++) {
    const { data, consistencyToken } = await db
      .forRequest()
      .write((c) => c.user.create({ data: { name: `Bench ${i}`, email: `ryw-${i}-${Date.now()}@bench.example` } }));
    const { data: read, servedBy } = await db
      .forRequest(consistencyToken)
      .read((c) => c.user.findUnique({ where: { id: data.id } }));
    if (read?.id !== data.id)
      throw new Error(`read-your-writes violated for user ${data.id}: ${JSON.stringify(servedBy)}`);
    waits.push(servedBy.waitedMs);
    if (servedBy.role === "replica") fromReplica++;
    else fellBack++;
  }
  return { wait: summarize(waits), fromReplica, fellBack };
}
