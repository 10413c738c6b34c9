/**
 * Whether a replica can follow the primary, judged from the primary's timeline history and where the
 * replica's replay stands. The rule is PostgreSQL's own (a standby refuses a new timeline that "forked
 * off current database system timeline N before current recovery point"): a replica on an ancestor
 * timeline follows only while it has replayed no further than that timeline's fork point. Once past
 * it, it holds WAL the primary's history does not contain, and it never streams again until rebuilt.
 * The rule itself is src/replication/timeline.ts's (the data layer routes reads by it too); this adds
 * the cause and the positions, as the logs and db:status show them.
 */
import { formatLsn, parseLsn } from "../replication/lsn";
import { forkPointOf, relationToWriter, type TimelineHistory } from "../replication/timeline";

/** What the replica reports about itself. */
export type ReplicaPosition =
  | {
      inRecovery: true;
      /** The timeline it replays (IDENTIFY_SYSTEM on a standby reports the replay timeline). */
      timeline: number;
      /** pg_last_wal_replay_lsn(). */
      replayLsn: string;
    }
  | { inRecovery: false };

export type Divergence =
  | { kind: "follows"; replicaTimeline: number; primaryTimeline: number }
  | {
      kind: "diverged";
      /** past-fork: replayed beyond where its timeline forked; off-history: its timeline is not an ancestor of the primary's. */
      cause: "past-fork" | "off-history";
      replicaTimeline: number;
      primaryTimeline: number;
      replayLsn: string;
      /** Where the replica's timeline forked in the primary's history (null when it is not in it). */
      forkLsn: string | null;
    }
  | {
      kind: "unknown";
      /** unreachable: not running or not answering; writable: not in recovery (promoted outside the cluster manager). */
      cause: "unreachable" | "writable";
    };

export function assessDivergence(history: TimelineHistory, replica: ReplicaPosition | undefined): Divergence {
  if (!replica) return { kind: "unknown", cause: "unreachable" };
  if (!replica.inRecovery) return { kind: "unknown", cause: "writable" };
  const positions = { replicaTimeline: replica.timeline, primaryTimeline: history.timeline };
  const replayLsn = parseLsn(replica.replayLsn);
  // With the history and the replay position known, the rule never answers "unknown".
  if (
    relationToWriter({ timeline: history.timeline, history }, { timeline: replica.timeline, replayLsn }) === "follows"
  )
    return { kind: "follows", ...positions };
  // No fork of its timeline in the history: a newer timeline than the primary's, or a sibling branch.
  const fork = forkPointOf(history, replica.timeline);
  return {
    kind: "diverged",
    cause: fork === undefined ? "off-history" : "past-fork",
    ...positions,
    replayLsn: formatLsn(replayLsn),
    forkLsn: fork === undefined ? null : formatLsn(fork),
  };
}

/** The sentence logs and db:status print for a verdict. */
export function describeDivergence(divergence: Divergence): string {
  switch (divergence.kind) {
    case "follows":
      return divergence.replicaTimeline === divergence.primaryTimeline
        ? `on the primary's timeline ${divergence.primaryTimeline}`
        : `on timeline ${divergence.replicaTimeline}, not past its fork point: it can follow the primary onto timeline ${divergence.primaryTimeline}`;
    case "diverged":
      return divergence.cause === "past-fork"
        ? `diverged: replayed timeline ${divergence.replicaTimeline} up to ${divergence.replayLsn}, past ${divergence.forkLsn} where the primary's timeline ${divergence.primaryTimeline} forked off it, so it can never follow`
        : `diverged: its timeline ${divergence.replicaTimeline} is not in the history of the primary's timeline ${divergence.primaryTimeline}, so it can never follow`;
    case "unknown":
      return divergence.cause === "writable"
        ? "not in recovery: it accepts writes (promoted outside the cluster manager?), so it is no replica of this primary"
        : "not reachable: whether it can follow is unknown";
  }
}
