/**
 * Timelines: every promotion starts a new one, forked off the old at one WAL position. Positions on
 * different timelines are not one history: a replica at 0/5000000 on timeline 1 may hold writes that the
 * writer on timeline 2 never had, if timeline 2 forked off at 0/4000000. These rules decide, from the
 * writer's timeline history (its pg_wal/0000000N.history file), whether a node or a write is part of the
 * writer's history. They are pure: the caller supplies the facts. Shared by the data layer (which
 * routes reads by them) and the cluster manager (which rebuilds a replica that diverged); "writer" is
 * the current primary.
 */
import { formatLsn, isLsn, type Lsn, parseLsn } from "./lsn";

/** One line of a history file: `timeline` ended, and its successor began, at `forkLsn`. */
export interface TimelineFork {
  timeline: number;
  forkLsn: Lsn;
}

/** The writer's timeline and the forks that led to it, oldest first; empty on timeline 1. */
export interface TimelineHistory {
  timeline: number;
  forks: TimelineFork[];
}

/** `00000002.history`: PostgreSQL names history files by the timeline in 8 hex digits. */
export function historyFileName(timeline: number): string {
  return `${timeline.toString(16).toUpperCase().padStart(8, "0")}.history`;
}

const HISTORY_LINE = /^(\d+)\s+(\S+)(?:\s.*)?$/;

/**
 * Parses a history file: lines `<timeline>\t<fork LSN>\t<reason>`, blank lines and `#` comments ignored,
 * timelines in increasing order (PostgreSQL's own reader, readTimeLineHistory, accepts the same). Given
 * the file's own `timeline`, errors name the file, and every line must be an ancestor of it.
 */
export function parseTimelineHistory(text: string, timeline?: number): TimelineFork[] {
  const where = (index: number) =>
    `Timeline history${timeline === undefined ? "" : ` ${historyFileName(timeline)}`}, line ${index + 1}`;
  const forks: TimelineFork[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = HISTORY_LINE.exec(line);
    if (!match || !isLsn(match[2]))
      throw new Error(`${where(index)}: not "<timeline> <LSN> <reason>": ${JSON.stringify(raw)}`);
    const ancestor = Number(match[1]);
    const previous = forks.at(-1)?.timeline ?? 0;
    if (ancestor <= previous || (timeline !== undefined && ancestor >= timeline)) {
      throw new Error(
        `${where(index)}: timeline ${ancestor} out of order (after ${previous}${timeline === undefined ? "" : `, before ${timeline}`}).`,
      );
    }
    forks.push({ timeline: ancestor, forkLsn: parseLsn(match[2]) });
  }
  return forks;
}

/** Where `timeline` ended in the writer's history; undefined if it is the writer's own (or not in it). */
export function forkPointOf(history: TimelineHistory, timeline: number): Lsn | undefined {
  return history.forks.find((f) => f.timeline === timeline)?.forkLsn;
}

/**
 * Whether a replica is on the writer's history:
 * - `follows`: on the writer's timeline, or on an earlier one and not past where it forked (it will
 *   switch to the writer's timeline as it streams);
 * - `diverged`: past the fork point of its timeline, or on a timeline the writer's history does not
 *   contain: it holds WAL the writer never had, and can never follow;
 * - `unknown`: its timeline, or the writer's history, is not known, and they differ.
 * A replica on a newer timeline than the writer is `diverged` too: the writer is the one that missed a
 * failover, and the writer choice deals with that; such a replica must not serve its reads.
 */
export type HistoryRelation = "follows" | "diverged" | "unknown";

export function relationToWriter(
  writer: { timeline: number; history: TimelineHistory | undefined },
  replica: { timeline: number | null; replayLsn: Lsn | undefined },
): HistoryRelation {
  if (replica.timeline === null) return writer.timeline === 1 ? "follows" : "unknown";
  if (replica.timeline === writer.timeline) return "follows";
  if (replica.timeline > writer.timeline) return "diverged";
  if (!writer.history) return "unknown";
  const fork = forkPointOf(writer.history, replica.timeline);
  if (fork === undefined) return "diverged";
  if (replica.replayLsn === undefined) return "unknown";
  return replica.replayLsn > fork ? "diverged" : "follows";
}

/**
 * Whether a write made at `lsn` on `timeline` is part of the writer's history:
 * - `current`: made on the writer's timeline;
 * - `kept`: made on an earlier timeline, before it forked off: every later timeline has it;
 * - `lost`: made on an earlier timeline after its fork point: the failover lost it;
 * - `unknown`: its timeline is not known (a token without one), or the writer's history is not;
 * - `newer`: made on a timeline newer than the writer's: the writer we know is not the newest.
 */
export type WriteFate = "current" | "kept" | "lost" | "unknown" | "newer";

export function fateOfWrite(
  history: TimelineHistory | undefined,
  writerTimeline: number,
  write: { timeline: number | null; lsn: Lsn },
): WriteFate {
  if (write.timeline === null) return "unknown";
  if (write.timeline === writerTimeline) return "current";
  if (write.timeline > writerTimeline) return "newer";
  if (!history) return "unknown";
  const fork = forkPointOf(history, write.timeline);
  if (fork === undefined) return "lost"; // a timeline the writer's history never passed through
  return write.lsn <= fork ? "kept" : "lost";
}

export function describeFork(history: TimelineHistory, timeline: number): string {
  const fork = forkPointOf(history, timeline);
  return fork === undefined
    ? `timeline ${timeline} is not in the history of the writer's timeline ${history.timeline}`
    : `timeline ${history.timeline} forked off timeline ${timeline} at ${formatLsn(fork)}`;
}
