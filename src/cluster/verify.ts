/**
 * `db:verify`: the seven checks the old docker-compose demo asked people to run by hand with psql, run
 * in one go. A marker row is written on the primary first, so the lag columns and receiver timestamps
 * describe live replication rather than an idle connection. The marker's timing is also what the admin
 * API's replication.probe reports (`measureVisibility`).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { createApiClient, unreachableReason } from "../trpc/api-client";
import { MARKERS_TABLE_DDL } from "./roles";
import { openClient, withClient } from "./sql";
import { type NodeStatus, clusterStatus } from "./status";
import { type Topology, type TopologyNode, primaryNode, replicaNodes } from "./topology";
import { waitFor } from "./wait-for";

export interface CheckResult {
  id: number;
  check: string;
  node: string;
  outcome: "pass" | "fail" | "skip";
  detail: string;
}

/** How long a committed row may take to show up on a replica before check 7 fails. */
export const VISIBILITY_BOUND_MS = 5_000;
/** How old a replica's last message from the primary may be before check 3 fails. */
export const RECEIVER_FRESHNESS_S = 15;

export interface VerifyOptions {
  /** Check 6 (`applicationCheck(appUrl)` below); without it the check is skipped, saying how to enable it. */
  applicationCheck?: (topology: Topology) => Promise<Omit<CheckResult, "id" | "check">[]>;
}

const APPLICATION_CHECK = "application-level: write via API, read on replicas";
const NO_APP_URL =
  "not run: give the running app's URL with --app-url http://127.0.0.1:3000 (or TANDEM_APP_URL) to create a user through the API and read it on every replica";

export async function verify(topology: Topology, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const primary = primaryNode(topology);
  const replicas = replicaNodes(topology);
  const results: CheckResult[] = [];
  const add = (id: number, check: string, node: string, ok: boolean, detail: string) =>
    results.push({ id, check, node, outcome: ok ? "pass" : "fail", detail });

  let probe: MarkerProbe;
  try {
    probe = await startMarkerProbe(topology);
  } catch (error) {
    add(
      0,
      "primary accepts writes",
      primary.name,
      false,
      `${(error as Error).message}: every check starts with a write on the primary. Start it with \`npm run db:up\`, or fail over with \`npm run db:promote -- <replica>\`.`,
    );
    return results;
  }
  const statuses = await clusterStatus(topology);
  const statusOf = (name: string) => statuses.find((s) => s.name === name) as NodeStatus;
  if (replicas.length === 0) add(1, "pg_stat_replication: every replica streaming", primary.name, false, "no replicas configured");

  for (const replica of replicas) {
    const s = statusOf(replica.name);
    add(1, "pg_stat_replication: streaming", replica.name, s.state === "streaming", `state ${s.state ?? "absent (not connected to the primary)"}, sync_state ${s.syncState ?? "-"}`);
    add(2, "pg_is_in_recovery() is true", replica.name, s.inRecovery === true, s.running ? `in recovery: ${s.inRecovery}` : `unreachable: ${s.error}`);
    const receiverAge = ageSeconds(s.walReceiver?.lastMsgReceiptTime);
    add(
      3,
      "pg_stat_wal_receiver: streaming, recent messages",
      replica.name,
      s.walReceiver?.status === "streaming" && receiverAge !== null && receiverAge <= RECEIVER_FRESHNESS_S,
      s.walReceiver ? `status ${s.walReceiver.status}, last message ${receiverAge?.toFixed(1) ?? "never"} s ago` : "no WAL receiver",
    );
    add(
      4,
      "write/flush/replay lag reported",
      replica.name,
      s.writeLsn != null && s.flushLsn != null && s.replayLsn != null,
      s.writeLsn == null
        ? "no row in pg_stat_replication"
        : `write ${ms(s.writeLagSeconds)}, flush ${ms(s.flushLagSeconds)}, replay ${ms(s.replayLagSeconds)}, ${s.lagBytes} bytes behind`,
    );
  }

  for (const { node, replayed, visible } of await probe.arrivals) {
    const s = statusOf(node);
    add(
      5,
      "replay delay",
      node,
      replayed.ok && s.replayPaused !== true,
      replayed.ok
        ? `replayed the primary's latest commit ${replayed.ms} ms after it; replay ${s.replayPaused ? "PAUSED" : "running"}`
        : `not replayed within ${VISIBILITY_BOUND_MS} ms (replay ${s.replayPaused ? "paused" : "running"}): ${replayed.error}`,
    );
    add(7, "row written on primary visible on replica", node, visible.ok, visible.ok ? `visible ${visible.ms} ms after commit` : `not visible within ${VISIBILITY_BOUND_MS} ms: ${visible.error}`);
  }

  const applicationResults = options.applicationCheck ? await options.applicationCheck(topology) : [{ node: "-", outcome: "skip" as const, detail: NO_APP_URL }];
  for (const r of applicationResults) results.push({ id: 6, check: APPLICATION_CHECK, ...r });

  await probe.finish();
  return results.sort((a, b) => a.id - b.id);
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
 * Writes a marker row on the primary and starts timing its arrival on every replica. Each replica's
 * connection is opened before the write and polled right after it, so the times measure replication
 * alone. Throws (having cleaned up) when the primary does not accept the write.
 */
export async function startMarkerProbe(topology: Topology): Promise<MarkerProbe> {
  const primary = primaryNode(topology);
  const replicas = replicaNodes(topology);
  const pollers = await openPollers(replicas);
  let marker: Marker;
  try {
    marker = await writeMarker(primary);
  } catch (error) {
    await closeAll(pollers);
    throw error;
  }
  const arrivals = Promise.all(
    replicas.map(async (replica, i) => ({
      node: replica.name,
      replayed: await timeSince(marker.committedAt, pollers[i], "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [marker.lsn]),
      visible: await timeSince(marker.committedAt, pollers[i], "SELECT EXISTS (SELECT 1 FROM tandem_verify.markers WHERE id = $1) AS ok", [marker.id]),
    })),
  );
  return {
    arrivals,
    finish: async () => {
      await arrivals;
      await closeAll(pollers);
      await removeMarker(primary, marker);
    },
  };
}

/** How long a marker written on the primary takes to reach each replica (the admin API's probe). */
export async function measureVisibility(topology: Topology): Promise<ReplicaArrival[]> {
  const probe = await startMarkerProbe(topology);
  try {
    return await probe.arrivals;
  } finally {
    await probe.finish();
  }
}

/**
 * Check 6: the whole path an app write takes. A user is created through the running app's API (so the
 * app's own routing picks the primary), then looked up directly with SQL on each replica. The app not
 * answering is a SKIP that says how to start it; the app answering with an error is a FAIL.
 */
export function applicationCheck(appUrl: string): NonNullable<VerifyOptions["applicationCheck"]> {
  return async (topology) => {
    const replicas = replicaNodes(topology);
    const pollers = await openPollers(replicas);
    const api = createApiClient(appUrl);
    try {
      let created;
      try {
        created = await api.user.create.mutate(
          { name: "db:verify check 6", email: `verify-${randomUUID()}@tandem.invalid` },
          { signal: AbortSignal.timeout(APP_ANSWER_TIMEOUT_MS) },
        );
      } catch (error) {
        const unreachable = unreachableReason(error);
        if (unreachable) return [{ node: "-", outcome: "skip", detail: `the app at ${appUrl} did not answer (${unreachable}): start it with npm run dev, or drop --app-url` }];
        return [{ node: "-", outcome: "fail", detail: `creating a user through ${appUrl} failed: ${(error as Error).message}` }];
      }
      const answeredAt = Date.now();
      const { user, servedBy } = created;
      const results = await Promise.all(
        replicas.map(async (replica, i) => {
          const seen = await timeSince(answeredAt, pollers[i], "SELECT EXISTS (SELECT 1 FROM public.users WHERE id = $1) AS ok", [user.id]);
          return {
            node: replica.name,
            outcome: seen.ok ? ("pass" as const) : ("fail" as const),
            detail: seen.ok
              ? `user ${user.id} created via the API (written on ${servedBy.node}) visible ${seen.ms} ms after the API answered`
              : `user ${user.id} created via the API not visible within ${VISIBILITY_BOUND_MS} ms (${seen.error}): is the app using this cluster?`,
          };
        }),
      );
      await api.user.delete.mutate({ id: user.id }, { signal: AbortSignal.timeout(APP_ANSWER_TIMEOUT_MS) }).catch(() => {});
      return results;
    } finally {
      await closeAll(pollers);
    }
  };
}

/** How long check 6 waits for the app to answer: its own database timeouts are shorter. */
const APP_ANSWER_TIMEOUT_MS = 15_000;

interface Marker {
  id: string;
  /** The primary's flush LSN after the synchronous commit: at or before the next record boundary, so replicas reach it. */
  lsn: string;
  committedAt: number;
}

/**
 * In its own schema, so Prisma Migrate (which manages `public`) never sees it as drift. Two roles write
 * markers: db:verify (the superuser, on the embedded cluster) and the admin API's probe (the app's
 * runtime role, which may not create schemas: the cluster manager creates this one for it, see
 * src/cluster/roles.ts). Elsewhere (a cluster of your own) a role that may creates it on first use.
 */
async function writeMarker(primary: TopologyNode): Promise<Marker> {
  const id = randomUUID();
  return withClient(primary.queryUrl, async (client) => {
    const { rows: existing } = await client.query<{ table: string | null }>("SELECT to_regclass('tandem_verify.markers')::text AS table");
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

async function removeMarker(primary: TopologyNode, marker: Marker): Promise<void> {
  await withClient(primary.queryUrl, (client) => client.query("DELETE FROM tandem_verify.markers WHERE id = $1", [marker.id])).catch(() => {});
}

/** A connection per replica, or the error that prevented it (reported by the check that needed it). */
type Poller = pg.Client | Error;

function openPollers(replicas: TopologyNode[]): Promise<Poller[]> {
  return Promise.all(replicas.map((replica) => openClient(replica.queryUrl).catch((error: Error) => error)));
}

async function closeAll(pollers: Poller[]): Promise<void> {
  await Promise.all(pollers.map((p) => (p instanceof Error ? undefined : p.end().catch(() => {}))));
}

/** Milliseconds from `since` until `sql` returns ok through the poller's connection. */
async function timeSince(since: number, poller: Poller, sql: string, params: unknown[]): Promise<Timing> {
  try {
    if (poller instanceof Error) throw poller;
    await waitFor("the replica to catch up", () => pollOnce(poller, sql, params), { timeoutMs: VISIBILITY_BOUND_MS, intervalMs: 1 });
    return { ok: true, ms: Date.now() - since };
  } catch (error) {
    return { ok: false, ms: Date.now() - since, error: (error as Error).message };
  }
}

/**
 * One poll: true when reached. A table created with the marker that the replica has not replayed yet
 * (SQLSTATE 42P01, undefined table) means "not yet", not an error worth reporting.
 */
async function pollOnce(poller: pg.Client, sql: string, params: unknown[]): Promise<true | undefined> {
  try {
    return (await poller.query<{ ok: boolean }>(sql, params)).rows[0].ok ? true : undefined;
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return undefined;
    throw error;
  }
}

function ageSeconds(iso: string | null | undefined): number | null {
  return iso ? (Date.now() - Date.parse(iso)) / 1000 : null;
}

function ms(seconds: number | null | undefined): string {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(1)} ms`;
}
