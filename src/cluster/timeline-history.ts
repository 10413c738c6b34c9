/**
 * A PostgreSQL timeline history file (`pg_wal/0000000N.history`), the record a promotion leaves of where
 * the new timeline forked off its ancestors. Each line is `<ancestor timeline>\t<fork LSN>\t<reason>`:
 * the ancestor's WAL up to the fork LSN is part of timeline N's history, anything it wrote after is not.
 * Parsed here (not by PostgreSQL) because the cluster manager needs it to judge whether a replica can
 * still follow the primary, and the server exposes no function that does.
 */

export interface TimelineFork {
  /** An ancestor timeline of the history's own. */
  timeline: number;
  /** Where the next timeline of the history branched off it (the ancestor's WAL after this is not shared). */
  forkLsn: string;
  reason: string;
}

export interface TimelineHistory {
  /** The timeline whose history this is: the primary's current timeline. */
  timeline: number;
  /** Its ancestors, oldest first (empty for timeline 1, which has no history file). */
  forks: TimelineFork[];
}

const LINE = /^(\d+)\s+([0-9A-F]{1,8}\/[0-9A-F]{1,8})(?:\s+(.*))?$/i;

/** `00000002.history`: PostgreSQL names history files by the timeline in 8 hex digits. */
export function historyFileName(timeline: number): string {
  return `${timeline.toString(16).toUpperCase().padStart(8, "0")}.history`;
}

/** Parses the history file of `timeline`; blank lines and `#` comments are skipped, as PostgreSQL does. */
export function parseTimelineHistory(timeline: number, text: string): TimelineHistory {
  const forks: TimelineFork[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`Timeline history ${historyFileName(timeline)}, line ${index + 1}: not "<timeline> <LSN> <reason>": ${JSON.stringify(raw)}`);
    const ancestor = Number(match[1]);
    const previous = forks.at(-1)?.timeline ?? 0;
    if (ancestor <= previous || ancestor >= timeline) {
      throw new Error(`Timeline history ${historyFileName(timeline)}, line ${index + 1}: timeline ${ancestor} out of order (after ${previous}, before ${timeline}).`);
    }
    forks.push({ timeline: ancestor, forkLsn: match[2].toUpperCase(), reason: match[3] ?? "" });
  }
  return { timeline, forks };
}

/** A WAL position (`16/B374D848`) as a number, so positions compare by value, not as text. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split("/");
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}
