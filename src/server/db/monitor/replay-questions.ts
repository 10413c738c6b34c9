/**
 * Asking replicas how far they have replayed, for reads that carry a token and for pages that show a
 * write spreading. One question per replica at a time, shared by every caller meanwhile: however many
 * requests wait for replay (a client can send any token), a replica answers one such question at a time.
 */
import type pg from "pg";
import { type Lsn, parseLsn } from "~/replication/lsn";

/** Whether replay is paused (or being paused), false on a node not in recovery, where asking is an error. */
const REPLAY_SQL = `SELECT pg_last_wal_replay_lsn()::text AS lsn,
  CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END AS paused`;

/** How long one answer about a replica's replay position serves replayProgress callers. */
export const PROGRESS_REUSE_MS = 50;
/** How long replayProgress waits for a replica before calling it unreachable. */
export const PROGRESS_WAIT_MS = 1_000;
/** Between two questions to a replica that has not replayed the target yet. */
const POLL_PAUSE_MS = 2;

export interface ReplayPosition {
  lsn: Lsn | undefined;
  paused: boolean;
}

/** Whether one node has replayed a given write: "behind" until it has; "unreachable" if it did not answer. */
export interface ReplayProgress {
  node: string;
  state: "replayed" | "behind" | "unreachable";
  replayPaused: boolean;
}

/** What a node's record keeps of its replay questions. */
export interface ReplayAsked {
  inRecovery?: boolean;
  /** The cached position: an answer that is ahead of it moves it on. */
  lsn?: Lsn;
  /** The replay question in flight, shared by everyone who asks meanwhile. */
  asking?: Promise<ReplayPosition>;
  lastAnswer?: { at: number; position: ReplayPosition };
}

/** The replica's replay position and pause state this moment, from the question in flight if there is one. */
export function askReplay(record: ReplayAsked, pool: pg.Pool): Promise<ReplayPosition> {
  if (record.asking) return record.asking;
  const asking = pool
    .query<{ lsn: string | null; paused: boolean }>(REPLAY_SQL)
    .then(({ rows }) => {
      const position = { lsn: rows[0].lsn ? parseLsn(rows[0].lsn) : undefined, paused: rows[0].paused };
      if (position.lsn !== undefined && record.inRecovery && (record.lsn === undefined || position.lsn > record.lsn))
        record.lsn = position.lsn;
      record.lastAnswer = { at: performance.now(), position };
      return position;
    })
    .finally(() => {
      record.asking = undefined;
    });
  record.asking = asking;
  return asking;
}

/** The record's last answer if it is recent enough to share (at most PROGRESS_REUSE_MS before `now`). */
export function recentAnswer(record: ReplayAsked, now: number): ReplayPosition | undefined {
  return record.lastAnswer && now - record.lastAnswer.at <= PROGRESS_REUSE_MS ? record.lastAnswer.position : undefined;
}

/** How far `node` is against `target`, from its answer (undefined: it gave none). */
export function progressOf(node: string, position: ReplayPosition | undefined, target: Lsn): ReplayProgress {
  if (!position) return { node, state: "unreachable", replayPaused: false };
  return { node, state: hasReplayed(position, target) ? "replayed" : "behind", replayPaused: position.paused };
}

export function hasReplayed(position: ReplayPosition, target: Lsn): boolean {
  return position.lsn !== undefined && position.lsn >= target;
}

/**
 * Waits until one of `candidates` has replayed `target`, asking each with `ask`. Resolves to the first
 * that has, or undefined at the deadline, whatever any one replica does: one that does not answer holds
 * up nobody.
 */
export async function waitForReplay(
  ask: (name: string) => Promise<ReplayPosition>,
  candidates: string[],
  target: Lsn,
  timeoutMs: number,
): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  let done = false;
  const poll = async (name: string): Promise<string | null> => {
    while (!done && performance.now() < deadline) {
      const position = await ask(name).catch(() => undefined);
      if (!position) return null; // it did not answer: the others may
      if (hasReplayed(position, target)) return name;
      await new Promise((resolve) => setTimeout(resolve, POLL_PAUSE_MS));
    }
    return null;
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return (await Promise.race([firstNonNull(candidates.map(poll)), expired])) ?? undefined;
  } finally {
    done = true;
    clearTimeout(timer);
  }
}

/** The first of `answers` that is not null, or null when all are. */
export function firstNonNull<T>(answers: Promise<T | null>[]): Promise<T | null> {
  return new Promise((resolve) => {
    let pending = answers.length;
    if (pending === 0) resolve(null);
    for (const answer of answers) {
      void answer.then((value) => {
        if (value !== null) resolve(value);
        else if (--pending === 0) resolve(null);
      });
    }
  });
}

/** `promise`, or a rejection after `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
