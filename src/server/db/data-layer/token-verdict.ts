/**
 * What a read's consistency token asks of routing, judged against the writer's line of history: read
 * from any replica that has replayed a position, or from the primary because the write cannot be found
 * on any replica (lost in a failover, not a write of this cluster's history, or of unknown position).
 */

import { formatLsn, type Lsn } from "~/replication/lsn";
import { describeFork, fateOfWrite } from "~/replication/timeline";
import type { WriterLine } from "../monitor/routing-rules";
import { type ConsistencyToken, formatToken } from "./consistency-token";

export type TokenVerdict =
  /** Read from a node that has replayed `lsn` (the write is on the writer's history). */
  | { kind: "replayed-by"; lsn: Lsn; onWritersTimeline: boolean }
  /** The token says the position after its write is unknown: the primary has it. */
  | { kind: "primary-only"; detail: string }
  /** The write was made on an earlier timeline past its fork point: a failover lost it. */
  | { kind: "lost"; detail: string }
  /** The token is ahead of the writer: a newer timeline, or a position it has not reached. */
  | { kind: "ahead"; detail: string }
  /** Made before a failover, and the writer's history cannot be read to tell whether it survived. */
  | { kind: "unverifiable"; detail: string };

export function judgeToken(token: ConsistencyToken, line: WriterLine | undefined): TokenVerdict {
  const text = formatToken(token);
  if (token.primaryOnly) return judgePrimaryOnly(token, line, text);
  if (!line) return { kind: "replayed-by", lsn: token.lsn, onWritersTimeline: false };
  const fate = fateOfWrite(line.history, line.timeline, token);
  switch (fate) {
    case "current":
    case "kept":
      return { kind: "replayed-by", lsn: token.lsn, onWritersTimeline: fate === "current" };
    case "unknown":
      if (token.timeline === null) return { kind: "replayed-by", lsn: token.lsn, onWritersTimeline: false }; // a token without a timeline: positions alone
      return {
        kind: "unverifiable",
        detail: `your last write (${text}) was made on timeline ${token.timeline}, before a failover to timeline ${line.timeline}; the primary's timeline history cannot be read, so it may have been lost`,
      };
    case "lost":
      return {
        kind: "lost",
        detail: `your last write was lost in a failover: it was made at ${formatLsn(token.lsn)} on timeline ${token.timeline}, and ${line.history ? describeFork(line.history, token.timeline as number) : "the primary's history does not have it"}, before it`,
      };
    case "newer":
      return {
        kind: "ahead",
        detail: `your last write (${text}) is on timeline ${token.timeline}, newer than the primary's (${line.timeline}): reading from the primary we know`,
      };
  }
}

/**
 * A token whose write's position is unknown (its lsn is only a lower bound). On the writer's timeline the
 * primary has every committed write. Made on an earlier timeline, the primary that had it is gone: past
 * the fork point even at its lower bound, the write was lost; otherwise nobody can tell, and saying
 * "reading from the primary" would pass off a failover's loss as a consistent read.
 */
function judgePrimaryOnly(token: ConsistencyToken, line: WriterLine | undefined, text: string): TokenVerdict {
  if (!line || token.timeline === null || token.timeline >= line.timeline) {
    return {
      kind: "primary-only",
      detail: `your last write's position is not known (${text}); reading from the primary, which has every committed write`,
    };
  }
  if (fateOfWrite(line.history, line.timeline, token) === "lost") {
    return {
      kind: "lost",
      detail: `your last write was lost in a failover: it was made after ${formatLsn(token.lsn)} on timeline ${token.timeline}, and ${line.history ? describeFork(line.history, token.timeline) : "the primary's history does not have it"}, before it`,
    };
  }
  return {
    kind: "unverifiable",
    detail: `your last write (${text}) was made on timeline ${token.timeline} at a position never learned, before a failover to timeline ${line.timeline}; it may have been lost`,
  };
}

/** A token on the writer's own timeline past its flush position: no write of this cluster's made it. */
export function aheadOfWriter(token: ConsistencyToken, writerLsn: Lsn): TokenVerdict {
  return {
    kind: "ahead",
    detail: `your consistency token (${formatToken(token)}) is ahead of the primary's position (${formatLsn(writerLsn)}): no write of this cluster's reached it, so it may have been lost; reading from the primary`,
  };
}
