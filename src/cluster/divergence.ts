/**
 * Whether a replica can follow the primary, judged from the primary's timeline history and where the
 * replica's replay stands. The rule is PostgreSQL's own (a standby refuses a new timeline that "forked
 * off current database system timeline N before current recovery point"): a replica on an ancestor
 * timeline follows only while it has replayed no further than that timeline's fork point. Once past
 * it, it holds WAL the primary's history does not contain, and it never streams again until rebuilt.
 */
import { type TimelineHistory, lsnValue } from "./timeline-history";

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
  if (replica.timeline === history.timeline) return { kind: "follows", ...positions };
  const fork = history.forks.find((f) => f.timeline === replica.timeline);
  // A newer timeline than the primary's, or a sibling branch (a number the history skips), shares
  // nothing with the primary after their common ancestor, wherever replay stands.
  if (!fork) return { kind: "diverged", cause: "off-history", ...positions, replayLsn: replica.replayLsn, forkLsn: null };
  // Replayed exactly up to the fork point is still on the shared history: it switches timelines there.
  if (lsnValue(replica.replayLsn) <= lsnValue(fork.forkLsn)) return { kind: "follows", ...positions };
  return { kind: "diverged", cause: "past-fork", ...positions, replayLsn: replica.replayLsn, forkLsn: fork.forkLsn };
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
