/**
 * `db:verify`: the seven checks the old docker-compose demo asked people to run by hand with psql, run
 * in one go. A marker row is written on the primary first, so the lag columns and receiver timestamps
 * describe live replication rather than an idle connection.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
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
  /** Fills check 6 once the API exists; without it the check is reported as skipped. */
  applicationCheck?: (topology: Topology) => Promise<Omit<CheckResult, "id" | "check">[]>;
}

export async function verify(topology: Topology, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const primary = primaryNode(topology);
  const replicas = replicaNodes(topology);
  const results: CheckResult[] = [];
  const add = (id: number, check: string, node: string, ok: boolean, detail: string) =>
    results.push({ id, check, node, outcome: ok ? "pass" : "fail", detail });

  // Connected before the write and polled right after it, so the times measure replication alone.
  const pollers = await Promise.all(replicas.map((replica) => openClient(replica.queryUrl).catch((error: Error) => error)));
  let marker: Marker;
  try {
    marker = await writeMarker(primary);
  } catch (error) {
    add(0, "primary accepts writes", primary.name, false, (error as Error).message);
    await closeAll(pollers);
    return results;
  }
  const arrivals = pollers.map(async (poller) => {
    const replayed = await timeSince(marker.committedAt, poller, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok", [marker.lsn]);
    const visible = await timeSince(marker.committedAt, poller, "SELECT EXISTS (SELECT 1 FROM tandem_verify.markers WHERE id = $1) AS ok", [marker.id]);
    return [replayed, visible] as const;
  });
  const statuses = await clusterStatus(topology);
  const statusOf = (node: TopologyNode) => statuses.find((s) => s.name === node.name) as NodeStatus;
  if (replicas.length === 0) add(1, "pg_stat_replication: every replica streaming", primary.name, false, "no replicas configured");

  for (const replica of replicas) {
    const s = statusOf(replica);
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

  await Promise.all(
    replicas.map(async (replica, i) => {
      const s = statusOf(replica);
      const [replayed, visible] = await arrivals[i];
      add(
        5,
        "replay delay",
        replica.name,
        replayed.ok && s.replayPaused !== true,
        replayed.ok
          ? `replayed the primary's latest commit ${replayed.ms} ms after it; replay ${s.replayPaused ? "PAUSED" : "running"}`
          : `not replayed within ${VISIBILITY_BOUND_MS} ms (replay ${s.replayPaused ? "paused" : "running"}): ${replayed.error}`,
      );
      add(
        7,
        "row written on primary visible on replica",
        replica.name,
        visible.ok,
        visible.ok ? `visible ${visible.ms} ms after commit` : `not visible within ${VISIBILITY_BOUND_MS} ms: ${visible.error}`,
      );
    }),
  );

  const applicationResults = options.applicationCheck
    ? await options.applicationCheck(topology)
    : [{ node: "-", outcome: "skip" as const, detail: "placeholder: the tRPC user API does not exist yet (issue #3 fills this check)" }];
  for (const r of applicationResults) results.push({ id: 6, check: "application-level: write via API, read on replicas", ...r });

  await closeAll(pollers);
  await removeMarker(primary, marker);
  return results.sort((a, b) => a.id - b.id);
}

interface Marker {
  id: string;
  /** The primary's flush LSN after the synchronous commit: at or before the next record boundary, so replicas reach it. */
  lsn: string;
  committedAt: number;
}

/** In its own schema, so Prisma Migrate (which manages `public`) never sees it as drift. */
async function writeMarker(primary: TopologyNode): Promise<Marker> {
  const id = randomUUID();
  return withClient(primary.queryUrl, async (client) => {
    await client.query("CREATE SCHEMA IF NOT EXISTS tandem_verify");
    await client.query("CREATE TABLE IF NOT EXISTS tandem_verify.markers (id text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())");
    await client.query("INSERT INTO tandem_verify.markers (id) VALUES ($1)", [id]);
    const committedAt = Date.now();
    const { rows } = await client.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn");
    return { id, lsn: rows[0].lsn, committedAt };
  });
}

async function removeMarker(primary: TopologyNode, marker: Marker): Promise<void> {
  await withClient(primary.queryUrl, (client) => client.query("DELETE FROM tandem_verify.markers WHERE id = $1", [marker.id])).catch(() => {});
}

type Poller = pg.Client | Error;

async function closeAll(pollers: Poller[]): Promise<void> {
  await Promise.all(pollers.map((p) => (p instanceof Error ? undefined : p.end().catch(() => {}))));
}

/** Milliseconds from `since` until `sql` returns ok through the poller's connection. */
async function timeSince(since: number, poller: Poller, sql: string, params: unknown[]): Promise<{ ok: boolean; ms: number; error?: string }> {
  try {
    if (poller instanceof Error) throw poller;
    await waitFor(sql, async () => ((await poller.query<{ ok: boolean }>(sql, params)).rows[0].ok ? true : undefined), {
      timeoutMs: VISIBILITY_BOUND_MS,
      intervalMs: 1,
    });
    return { ok: true, ms: Date.now() - since };
  } catch (error) {
    return { ok: false, ms: Date.now() - since, error: (error as Error).message };
  }
}

function ageSeconds(iso: string | null | undefined): number | null {
  return iso ? (Date.now() - Date.parse(iso)) / 1000 : null;
}

function ms(seconds: number | null | undefined): string {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(1)} ms`;
}
