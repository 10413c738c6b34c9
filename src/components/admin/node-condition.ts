import type { NodeView } from "./admin-api";

export type Tone = "ok" | "warn" | "danger" | "info";

export interface Condition {
  /** Short label shown as a badge: the state in words, never colour alone. */
  label: string;
  tone: Tone;
  /** One sentence saying what it means for reads and writes. */
  explanation: string;
}

/**
 * What a node is at a glance: Fenced, Down, Writer, Promoted, Writable but not the writer, Replay paused,
 * Lagging, Excluded or Healthy.
 * Paused and lagging can both hold: the label says both.
 */
export function conditionOf(
  node: Pick<NodeView, "fenced" | "reachable" | "role" | "configuredRole" | "routing" | "replayPaused">,
): Condition {
  const { routing } = node;
  if (node.fenced) {
    return {
      label: "Fenced",
      tone: "info",
      explanation: "A former primary, replaced by a promote: stopped for good, so two nodes never take writes.",
    };
  }
  if (!node.reachable) {
    return { label: "Down", tone: "danger", explanation: "Unreachable: it serves no reads or writes." };
  }
  if (node.role === "primary") {
    if (node.configuredRole === "replica") {
      return {
        label: "Promoted · writer",
        tone: "info",
        explanation: "Configured as a replica, promoted: writes now go here.",
      };
    }
    return { label: "Writer", tone: "ok", explanation: "Writes go here; reads only when no replica can serve them." };
  }
  if (node.role === "stale-primary") {
    return {
      label: "Writable · not the writer",
      tone: "warn",
      explanation: routing.routable ? "It accepts writes but the app does not write to it." : routing.detail,
    };
  }
  const paused = node.replayPaused === true;
  const lagging = !routing.routable && routing.kind === "lagging";
  const why = routing.routable ? "" : `Out of the read set: ${routing.detail}.`;
  if (paused) {
    return {
      label: routing.routable ? "Replay paused" : lagging ? "Replay paused · lagging" : "Replay paused · excluded",
      tone: routing.routable ? "warn" : "danger",
      explanation: routing.routable ? "Replay is paused; it leaves the read set once it falls behind." : why,
    };
  }
  if (lagging) return { label: "Lagging", tone: "warn", explanation: why };
  if (!routing.routable) return { label: "Excluded", tone: "warn", explanation: why };
  return { label: "Healthy", tone: "ok", explanation: "Streaming and serving reads." };
}
