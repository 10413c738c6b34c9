/**
 * The writer's flush positions over time, from which lag in time is measured (routing-rules.ts, lagOf):
 * one sample per new position, kept long enough to measure lag up to SAMPLE_HISTORY_MS back.
 */
import type { Lsn } from "~/replication/lsn";
import type { WriterSample } from "./routing-rules";

/** Beyond this a replica counts as "at least" this stale. */
export const SAMPLE_HISTORY_MS = 10 * 60_000;

/** The samples with `lsn` seen at `now`: a new one only when the position moved; older than the window dropped, the newest always kept. */
export function addWriterSample(
  samples: WriterSample[],
  lsn: Lsn,
  now: number,
  historyMs = SAMPLE_HISTORY_MS,
): WriterSample[] {
  const last = samples.at(-1);
  const grown = !last || lsn !== last.lsn ? [...samples, { lsn, at: now }] : samples;
  return grown.filter((s, i) => i === grown.length - 1 || now - s.at <= historyMs);
}
