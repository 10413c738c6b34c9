/**
 * The monitor's small judgements about one probe, kept apart from its I/O so each is unit-tested: what
 * timeline an answer means, whether a timeout says anything about the node, and a node's lag-chart state.
 */
import type { LagState } from "./lag-history";
import type { Routing } from "./routing-state";

/** A probe timeout is not believed if the loop was blocked for more than this share of the wait. */
export const STALL_EXCUSES = 0.25;

/**
 * The timeline a probe's answer puts the node on. A replica whose WAL receiver is not running reports
 * none: it keeps the one it had, as a replica's timeline never goes back. A writable node always says.
 */
export function probedTimeline(
  row: { in_recovery: boolean; timeline: number | null },
  previous: number | null,
): number | null {
  return row.timeline ?? (row.in_recovery ? previous : null);
}

export function isTimeout(error: unknown): boolean {
  return /timeout|timed out/i.test((error as Error)?.message ?? "");
}

/**
 * A timeout while this process's event loop was blocked for a good part of the wait says nothing about
 * the node. Short stalls on a busy machine do not excuse a node that stays silent.
 */
export function isExcusedTimeout(error: unknown, elapsedMs: number, stalledMs: number): boolean {
  return isTimeout(error) && stalledMs > elapsedMs * STALL_EXCUSES;
}

/** The node cards' vocabulary for the lag chart: down, replay paused, lagging, otherwise excluded, else routable. */
export function lagStateOf(node: { reachable: boolean; replayPaused?: boolean; routing: Routing }): LagState {
  if (!node.reachable) return "down";
  if (node.replayPaused) return "paused";
  if (node.routing.routable) return "routable";
  return node.routing.kind === "lagging" ? "lagging" : "excluded";
}
