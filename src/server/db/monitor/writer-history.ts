/**
 * The writer's timeline history (which timelines it forked from, and where), read once per writer and
 * timeline through tandem_monitor.timeline_history() and kept: routing judges every replica and token
 * against it. Timeline 1 has no history to read.
 */
import type pg from "pg";
import { sqlStateOf } from "~/replication/connection-errors";
import { NO_FUNCTION_STATES } from "~/replication/status";
import { parseTimelineHistory } from "~/replication/timeline";
import type { WriterLine } from "./routing-rules";

type History = WriterLine["history"];

const FIRST_TIMELINE: History = { timeline: 1, forks: [] };

export class WriterHistories {
  /** By `name@timeline`; undefined kept for a node that cannot tell (the function is not installed). */
  private readonly histories = new Map<string, History>();

  /** What is known of `name`'s history on `timeline` now, without asking. */
  known(name: string, timeline: number): History {
    return this.histories.get(historyKey(name, timeline)) ?? (timeline === 1 ? FIRST_TIMELINE : undefined);
  }

  /** The history, read from the node unless known; undefined when it cannot be read. */
  async fetch(name: string, timeline: number, pool: pg.Pool): Promise<History> {
    if (timeline === 1) return FIRST_TIMELINE;
    const key = historyKey(name, timeline);
    if (this.histories.has(key)) return this.histories.get(key);
    let history: History;
    try {
      const { rows } = await pool.query<{ history: string | null }>(
        "SELECT tandem_monitor.timeline_history($1) AS history",
        [timeline],
      );
      history =
        rows[0].history === null ? undefined : { timeline, forks: parseTimelineHistory(rows[0].history, timeline) };
      this.histories.set(key, history);
    } catch (error) {
      if (NO_FUNCTION_STATES.has(sqlStateOf(error) ?? "")) this.histories.set(key, undefined); // not installed: don't ask again
    }
    return history;
  }

  /** A node that comes back under this name may be another server: its history is asked again. */
  forget(name: string): void {
    for (const key of this.histories.keys()) if (key.startsWith(`${name}@`)) this.histories.delete(key);
  }
}

function historyKey(name: string, timeline: number): string {
  return `${name}@${timeline}`;
}
