/**
 * Consistency tokens: what a client sends back to read its own writes. A token names the writer's
 * timeline and its WAL flush position after the client's last commit, `2:0/3000148`. The timeline is what
 * tells a write kept by a failover from one it lost (./timeline.ts); a bare position (`0/3000148`, the
 * form before timelines) still parses, with the timeline unknown.
 *
 * A token ending in `:primary` (`2:0/3000148:primary`) says the exact position could not be had after the
 * commit: reads that carry it go to the primary, which has every committed write, until a newer token
 * replaces it. Its position is the writer's before that write, so any later token is newer.
 */
import { formatLsn, type Lsn, parseLsn } from "~/replication/lsn";

export interface ConsistencyToken {
  timeline: number | null;
  lsn: Lsn;
  /** Reads must go to the primary (the position after the commit is not known). */
  primaryOnly: boolean;
}

const TOKEN_PATTERN = /^(?:(\d{1,10}):)?([0-9A-F]{1,8}\/[0-9A-F]{1,8})(:primary)?$/i;

/** The largest timeline PostgreSQL can have (TimeLineID is a uint32). */
const MAX_TIMELINE = 0xffffffff;

export function parseToken(text: string): ConsistencyToken {
  const match = TOKEN_PATTERN.exec(text.trim());
  const timeline = match?.[1] === undefined ? null : Number(match[1]);
  if (!match || (timeline !== null && (timeline < 1 || timeline > MAX_TIMELINE))) {
    throw new Error(`Not a consistency token: "${text}" (expected a timeline and WAL position such as 2:0/3000148)`);
  }
  return { timeline, lsn: parseLsn(match[2]), primaryOnly: match[3] !== undefined };
}

export function isToken(text: string): boolean {
  try {
    parseToken(text);
    return true;
  } catch {
    return false;
  }
}

export function formatToken(token: ConsistencyToken): string {
  const timeline = token.timeline === null ? "" : `${token.timeline}:`;
  return `${timeline}${formatLsn(token.lsn)}${token.primaryOnly ? ":primary" : ""}`;
}

/**
 * Whether `a` stands for a later point than `b`: a newer timeline first, then a later position. With a
 * timeline missing on either side, positions alone decide (the best a pre-timeline token allows).
 */
export function isNewer(a: ConsistencyToken, b: ConsistencyToken): boolean {
  if (a.timeline !== null && b.timeline !== null && a.timeline !== b.timeline) return a.timeline > b.timeline;
  return a.lsn > b.lsn;
}
