/**
 * The lag chart's data on the page, kept pure so it can be tested without a browser: merging each
 * second's answer of replication.lagHistory into what the page has, the rows the chart draws, and the
 * sentence that says what the chart shows.
 */
import type { inferRouterOutputs } from "@trpc/server";
import { formatBytes, formatDuration } from "~/format/units";
import type { AppRouter } from "~/server/api/root";

export type LagHistoryAnswer = inferRouterOutputs<AppRouter>["replication"]["lagHistory"];
export type LagSample = LagHistoryAnswer["replicas"][number]["samples"][number];
export type LagState = LagSample["state"];

/** What the page has: the same shape as an answer, with the whole window in it. */
export type LagSeries = LagHistoryAnswer;

/** Lag in time (the routing limit is in time too) or in bytes of WAL not yet replayed. */
export type Measure = "time" | "bytes";

/** The newest sample's time: what to ask for next with `since`. */
export function newestAt(series: LagSeries): number | undefined {
  const times = series.replicas.flatMap((r) => r.samples.map((s) => s.at));
  return times.length ? Math.max(...times) : undefined;
}

/**
 * Whether what the page holds is ahead of the server's clock: its clock went back, or a restarted
 * server's clock is behind ours. Then asking for samples `since` the newest held would skip every new
 * one, so the page starts over from the whole window.
 */
export function isAheadOfServer(held: LagSeries | undefined, answer: LagHistoryAnswer): boolean {
  const newest = held && newestAt(held);
  return newest !== undefined && newest > answer.now;
}

/**
 * Appends an answer's samples to what the page has and drops what fell out of the window (measured on
 * the server's clock). Samples already held are not added twice, so an answer that overlaps is harmless.
 */
export function mergeLagHistory(previous: LagSeries | undefined, answer: LagHistoryAnswer): LagSeries {
  const oldest = answer.now - answer.windowMs;
  const byNode = new Map((previous?.replicas ?? []).map((r) => [r.node, r.samples]));
  for (const { node, samples } of answer.replicas) {
    const held = byNode.get(node) ?? [];
    const last = held.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
    byNode.set(node, [...held, ...samples.filter((s) => s.at > last)]);
  }
  const replicas = [...byNode]
    .map(([node, samples]) => ({ node, samples: samples.filter((s) => s.at > oldest) }))
    .filter((r) => r.samples.length > 0);
  return { ...answer, replicas };
}

/** One row per probe round, a column per replica: what recharts draws. Null is a gap in a line. */
export type ChartRow = { at: number } & Record<string, number | null>;

export function chartRows(series: LagSeries, measure: Measure): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const { node, samples } of series.replicas) {
    for (const sample of samples) {
      const row: ChartRow = rows.get(sample.at) ?? { at: sample.at };
      row[node] = lagValue(sample, measure);
      rows.set(sample.at, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.at - b.at);
}

export function lagValue(sample: LagSample, measure: Measure): number | null {
  return measure === "time" ? sample.lagMs : sample.lagBytes;
}

export function formatLag(value: number | null | undefined, measure: Measure): string {
  if (value === null || value === undefined) return "—";
  return measure === "time" ? formatDuration(value) : formatBytes(value);
}

/**
 * Round y-axis ticks from 0 to at least `highest`, about four steps: 1, 2, 2.5 or 5 × 10ⁿ ms for time
 * (0, 1 s, 2 s, 3 s), powers of two for bytes (0, 256 B, 512 B, 768 B, 1.0 KiB).
 */
export function yTicks(highest: number, measure: Measure): number[] {
  const rough = Math.max(highest, 4) / 4; // whole milliseconds and bytes at the finest
  let step: number;
  if (measure === "bytes") step = 2 ** Math.ceil(Math.log2(rough));
  else {
    const magnitude = 10 ** Math.floor(Math.log10(rough));
    step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  }
  const ticks = [0];
  while (ticks.length < 2 || (ticks.at(-1) as number) < highest) ticks.push(ticks.length * step);
  return ticks;
}

/** The node cards' words for a state. */
export const STATE_WORDS: Record<LagState, string> = {
  routable: "serving reads",
  paused: "replay paused",
  lagging: "lagging",
  excluded: "excluded",
  down: "down",
};

export interface ReplicaFigures {
  node: string;
  latest: LagSample | undefined;
  /** Whether `latest` is from the newest round: a replica promoted or gone since keeps old samples for a while. */
  current: boolean;
  /** Highest lag in the window, or null when none was measured. */
  highest: number | null;
}

export function replicaFigures(series: LagSeries, measure: Measure): ReplicaFigures[] {
  const newestRound = newestAt(series);
  return series.replicas.map(({ node, samples }) => {
    const values = samples.map((s) => lagValue(s, measure)).filter((v): v is number => v !== null);
    const latest = samples.at(-1);
    return {
      node,
      latest,
      current: latest !== undefined && latest.at === newestRound,
      highest: values.length ? Math.max(...values) : null,
    };
  });
}

/** The state column's words: the latest sample's state, or that the node is not sampled any more. */
export function stateWords({ latest, current }: ReplicaFigures): string {
  if (!latest) return "—";
  return current ? STATE_WORDS[latest.state] : NOT_SAMPLED;
}

const NOT_SAMPLED = "no longer sampled (promoted or removed)";

/** "the last 5 minutes" */
export function windowWords(windowMs: number): string {
  const minutes = windowMs / 60_000;
  return minutes === 1
    ? "the last minute"
    : Number.isInteger(minutes)
      ? `the last ${minutes} minutes`
      : `the last ${Math.round(windowMs / 1000)} seconds`;
}

/**
 * The chart in one sentence, for screen readers (and as the chart's accessible name):
 * "Replication lag over the last 5 minutes: replica1 now 2.1 s, replay paused (max 3.2 s); replica2 now 0 ms."
 */
export function lagSummary(series: LagSeries, measure: Measure): string {
  const parts = replicaFigures(series, measure).map(({ node, latest, current, highest }) => {
    if (!latest) return `${node} has no samples yet`;
    if (!current) return `${node} ${NOT_SAMPLED}`;
    const now = lagValue(latest, measure);
    if (latest.state === "down")
      return `${node} down${highest === null ? "" : ` (max ${formatLag(highest, measure)})`}`;
    const state = latest.state === "routable" ? "" : `, ${STATE_WORDS[latest.state]}`;
    const max = highest !== null && now !== null && highest > now ? ` (max ${formatLag(highest, measure)})` : "";
    return `${node} now ${formatLag(now, measure)}${state}${max}`;
  });
  const what = measure === "time" ? "Replication lag" : "Replication lag in bytes";
  if (parts.length === 0) return `${what} over ${windowWords(series.windowMs)}: no replica has been sampled yet.`;
  return `${what} over ${windowWords(series.windowMs)}: ${parts.join("; ")}.`;
}
