/**
 * How long a commit on the writer takes to reach each replica: a marker row is written, and each
 * replica is polled until it has replayed the commit, then until a query there sees the row. Used by
 * `db:verify` (checks 5 and 7, and check 6's timing) and by the admin API's replication.probe.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { openClient, withClient } from "./pg-client";

/** How long a committed row may take to show up on a replica before it counts as not arrived. */
export const VISIBILITY_BOUND_MS = 5_000;

/** A node to probe, by a URL whose role may write the marker (on the writer) or read it (on replicas). */
export interface ProbeNode {
  name: string;
  url: string;
}

/** Milliseconds until a condition held on a replica, or why it did not within VISIBILITY_BOUND_MS. */
export interface Timing {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface ReplicaArrival {
  node: string;
  /** Until the replica's replay position passed the marker's commit. */
  replayed: Timing;
  /** Until the marker row was visible to a query on the replica. */
  visible: Timing;
}

export interface MarkerProbe {
  /** Resolves once every replica has the marker or ran out of time. */
  arrivals: Promise<ReplicaArrival[]>;
  /** Closes the connections and deletes the marker. */
  finish(): Promise<void>;
}

/**
 * Writes a marker row on the writer and starts timing its arrival on every replica. Each replica's
 * connection is opened before the write and polled right after it, so the times measure replication
 * alone. Throws (having cleaned up) when the writer does not accept the write.
 */
export async function startMarkerProbe(writer: ProbeNode, replicas: ProbeNode[]): Promise<MarkerProbe> {
  const pollers = await openPollers(replicas);
  let marker: Marker;
  try {
    marker = await writeMarker(writer);
  } catch (error) {
    await closeAll(pollers);
    throw error;
  }
  const arrivals = Promise.all(
    replicas.map(async (replica, i) => ({
      node: replica.name,
      replayed: await timeSince(marker.committedAt, pollers[i], "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [
        marker.lsn,
      ]),
      visible: await timeSince(
        marker.committedAt,
        pollers[i],
        "SELECT EXISTS (SELECT 1 FROM tandem_verify.markers WHERE id = $1) AS ok",
        [marker.id],
      ),
    })),
  );
  return {
    arrivals,
    finish: async () => {
      await arrivals;
      await closeAll(pollers);
      await removeMarker(writer, marker);
    },
  };
}

/** How long a marker written on the writer takes to reach each replica (the admin API's probe). */
export async function measureVisibility(writer: ProbeNode, replicas: ProbeNode[]): Promise<ReplicaArrival[]> {
  const probe = await startMarkerProbe(writer, replicas);
  try {
    return await probe.arrivals;
  } finally {
    await probe.finish();
  }
}

interface Marker {
  id: string;
  /** The writer's flush LSN after the synchronous commit: at or before the next record boundary, so replicas reach it. */
  lsn: string;
  committedAt: number;
}

/** The markers' table, in a schema of their own so Prisma Migrate (which manages `public`) never sees it as drift. */
export const MARKERS_TABLE_DDL =
  "CREATE TABLE IF NOT EXISTS tandem_verify.markers (id text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())";

/**
 * Two roles write markers: db:verify (the superuser, on the embedded cluster) and the admin API's probe
 * (the app's runtime role, which may not create schemas: the cluster manager creates this one for it,
 * see src/cluster/roles.ts). Elsewhere (a cluster of your own) a role that may creates it on first use.
 */
async function writeMarker(writer: ProbeNode): Promise<Marker> {
  const id = randomUUID();
  return withClient(writer.url, async (client) => {
    const { rows: existing } = await client.query<{ table: string | null }>(
      "SELECT to_regclass('tandem_verify.markers')::text AS table",
    );
    if (existing[0].table === null) {
      await client.query("CREATE SCHEMA IF NOT EXISTS tandem_verify");
      await client.query(MARKERS_TABLE_DDL);
    }
    await client.query("INSERT INTO tandem_verify.markers (id) VALUES ($1)", [id]);
    const committedAt = Date.now();
    const { rows } = await client.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn");
    return { id, lsn: rows[0].lsn, committedAt };
  });
}

async function removeMarker(writer: ProbeNode, marker: Marker): Promise<void> {
  await withClient(writer.url, (client) =>
    client.query("DELETE FROM tandem_verify.markers WHERE id = $1", [marker.id]),
  ).catch(() => {});
}

/** A connection per replica, or the error that prevented it (reported by the check that needed it). */
export type Poller = pg.Client | Error;

export function openPollers(replicas: ProbeNode[]): Promise<Poller[]> {
  return Promise.all(replicas.map((replica) => openClient(replica.url).catch((error: Error) => error)));
}

export async function closeAll(pollers: Poller[]): Promise<void> {
  await Promise.all(pollers.map((p) => (p instanceof Error ? undefined : p.end().catch(() => {}))));
}

/** Milliseconds from `since` until `sql` returns ok through the poller's connection, polled every millisecond. */
export async function timeSince(since: number, poller: Poller, sql: string, params: unknown[]): Promise<Timing> {
  const deadline = since + VISIBILITY_BOUND_MS;
  try {
    if (poller instanceof Error) throw poller;
    while (!(await pollOnce(poller, sql, params))) {
      if (Date.now() >= deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { ok: true, ms: Date.now() - since };
  } catch (error) {
    return { ok: false, ms: Date.now() - since, error: (error as Error).message };
  }
}

/**
 * One poll: true when reached. A table created with the marker that the replica has not replayed yet
 * (SQLSTATE 42P01, undefined table) means "not yet", not an error worth reporting.
 */
async function pollOnce(poller: pg.Client, sql: string, params: unknown[]): Promise<boolean> {
  try {
    return (await poller.query<{ ok: boolean }>(sql, params)).rows[0].ok;
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return false;
    throw error;
  }
}
