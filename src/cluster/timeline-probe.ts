/**
 * The facts assessDivergence judges, read from the running nodes as structured data: the primary's
 * timeline and history file, and each replica's replay position and replay timeline. (A diverged
 * replica also says so in its log, but a log line is a sentence for people, not an interface.)
 */
import type pg from "pg";
import { isUnreachable } from "../replication/connection-errors";
import { type ClusterState, type NodeState, primaryOf, replicasOf } from "../replication/state";
import { historyFileName, parseTimelineHistory, type TimelineHistory } from "../replication/timeline";
import { nodeUrl } from "../replication/urls";
import { adminUrl } from "./context";
import { assessDivergence, type Divergence, type ReplicaPosition } from "./divergence";
import { withClient } from "./sql";

/** The primary's current timeline and its ancestors' fork points. */
export async function primaryHistory(state: ClusterState): Promise<TimelineHistory> {
  return withClient(adminUrl(state, primaryOf(state)), readHistory);
}

/** The same on an open superuser connection to the primary (pg_read_file is the superuser's). */
export async function readHistory(primary: pg.Client): Promise<TimelineHistory> {
  // The WAL file name carries the timeline from the first moment after a promotion; the checkpoint's
  // timeline_id lags until the next checkpoint.
  const { rows } = await primary.query<{ tli: string }>(
    "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tli",
  );
  const timeline = Number.parseInt(rows[0].tli, 16);
  if (timeline === 1) return { timeline, forks: [] }; // the first timeline has no history file
  const file = await primary.query<{ content: string }>("SELECT pg_read_file($1) AS content", [
    `pg_wal/${historyFileName(timeline)}`,
  ]);
  return { timeline, forks: parseTimelineHistory(file.rows[0].content, timeline) };
}

/** Where a replica's replay stands, or undefined when it cannot be asked (stopped, starting). */
export async function replicaPosition(state: ClusterState, node: NodeState): Promise<ReplicaPosition | undefined> {
  try {
    // Replay position first, then the timeline: a replica switching timelines in between is then judged
    // on the new timeline, which it reached from at or before the fork point: never a false "diverged".
    const self = await withClient(
      adminUrl(state, node),
      async (client) =>
        (
          await client.query<{ in_recovery: boolean; replay_lsn: string | null }>(
            "SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_replay_lsn()::text AS replay_lsn",
          )
        ).rows[0],
    );
    if (!self.in_recovery) return { inRecovery: false };
    if (self.replay_lsn === null) return undefined; // nothing replayed yet: still starting
    return { inRecovery: true, timeline: await replayTimeline(state, node), replayLsn: self.replay_lsn };
  } catch (error) {
    // 57P03 cannot_connect_now: starting up, shutting down, or not yet consistent enough for queries.
    if (isUnreachable(error) || (error as { code?: string }).code === "57P03") return undefined;
    throw error;
  }
}

/**
 * IDENTIFY_SYSTEM on a replication connection to the standby reports the timeline it replays; no SQL
 * function does in PostgreSQL 16 (pg_stat_wal_receiver.received_tli is what it last received, and has
 * no row while the receiver is reconnecting). Replication connections are the replicator's.
 */
async function replayTimeline(state: ClusterState, node: NodeState): Promise<number> {
  const url = new URL(nodeUrl(state, node, state.replicator, "postgres"));
  url.searchParams.set("replication", "true"); // a physical replication connection: replication commands only
  return withClient(url.href, async (client) =>
    Number((await client.query<{ timeline: number | string }>("IDENTIFY_SYSTEM")).rows[0].timeline),
  );
}

/** assessDivergence for one replica, reading what it needs; the history is passed in to read it once per round. */
export async function assessReplica(
  state: ClusterState,
  history: TimelineHistory,
  node: NodeState,
): Promise<Divergence> {
  return assessDivergence(history, await replicaPosition(state, node));
}

export interface TimelineReport {
  /** The primary's timeline and history; null when the primary could not be asked. */
  history: TimelineHistory | null;
  /** Each recorded replica's verdict (none when the history is unknown). */
  replicas: Map<string, Divergence>;
}

/** What db:status shows: the primary's history and whether each replica can follow it. */
export async function timelineReport(state: ClusterState): Promise<TimelineReport> {
  const history = await primaryHistory(state).catch((error: unknown) => {
    if (isUnreachable(error)) return null;
    throw error;
  });
  const replicas = new Map<string, Divergence>();
  if (history) {
    for (const node of replicasOf(state)) replicas.set(node.name, await assessReplica(state, history, node));
  }
  return { history, replicas };
}
