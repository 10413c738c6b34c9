/**
 * The routing rules, as pure functions of what the probes found: which node takes writes, what each
 * node is, and whether each may serve reads. The monitor (./replication-monitor.ts) gathers the facts
 * and calls these; tests call them with facts of their own.
 */
import { formatBytes, formatDuration } from "~/format/units";
import { bytesBetween, formatLsn, type Lsn } from "~/replication/lsn";
import { describeFork, relationToWriter, type TimelineHistory } from "~/replication/timeline";
import { type ConfiguredRole, excluded, type NodeRole, ROUTABLE, type Routing } from "./routing-state";

/** What the last probe of a node found. */
export interface NodeFacts {
  name: string;
  configuredRole: ConfiguredRole;
  reachable: boolean;
  /** Undefined until a probe has answered. */
  inRecovery?: boolean;
  /** Replica: last replayed position. Writable node: flush position. */
  lsn?: Lsn;
  /** Null when not known (a replica whose WAL receiver is not running, or a role that may not see it). */
  timeline: number | null;
  replayPaused?: boolean;
  /** A read on it was hedged since its last good probe. */
  suspect: boolean;
  error?: string;
}

export interface WriterChoice {
  /** The node writes go to; undefined when none is writable, or two are on the newest timeline. */
  writer?: string;
  /** Why there is no writer, as a sentence, when there is none. */
  noWriterBecause?: string;
  roles: Map<string, NodeRole>;
  /** Writable nodes that may not take writes: on an older timeline, or tied on the newest. */
  barred: Map<string, "stale-primary" | "conflicting-primary">;
}

/**
 * Writes go to the one writable node on the newest timeline. A writable node on an older timeline is a
 * former primary that kept running through a failover (it gets nothing). Two writable nodes on the same
 * newest timeline cannot be told apart: writes are refused until one of them is fenced.
 */
export function chooseWriter(nodes: NodeFacts[]): WriterChoice {
  const roles = new Map<string, NodeRole>();
  const barred: WriterChoice["barred"] = new Map();
  const writable = nodes.filter((n) => n.reachable && n.inRecovery === false);
  // What a node that does not answer is now, nobody knows: a former primary may have been fenced or
  // overtaken, so its last-seen role would put two primaries in every report.
  for (const n of nodes)
    roles.set(n.name, !n.reachable || n.inRecovery === undefined ? "unknown" : n.inRecovery ? "replica" : "primary");
  if (writable.length === 0) {
    return { roles, barred, noWriterBecause: noWritableNode(nodes) };
  }
  const newest = Math.max(...writable.map((n) => n.timeline ?? 0));
  const onNewest = writable.filter((n) => (n.timeline ?? 0) === newest);
  for (const n of writable) {
    if ((n.timeline ?? 0) < newest) {
      roles.set(n.name, "stale-primary");
      barred.set(n.name, "stale-primary");
    }
  }
  if (onNewest.length > 1) {
    for (const n of onNewest) barred.set(n.name, "conflicting-primary");
    const names = onNewest.map((n) => n.name).join(" and ");
    return {
      roles,
      barred,
      noWriterBecause: `${names} both accept writes on timeline ${newest}; writes are refused until one of them is fenced`,
    };
  }
  return { roles, barred, writer: onNewest[0].name };
}

function noWritableNode(nodes: NodeFacts[]): string {
  const primary = nodes.find((n) => n.configuredRole === "primary");
  if (primary?.reachable && primary.inRecovery)
    return `the configured primary ${primary.name} is in recovery: a replica, or a failover is under way`;
  return "no node is both reachable and out of recovery; writes fail until one is";
}

export interface RoutingLimits {
  maxLagMs: number;
  maxLagBytes: number;
}

/** The writer's line of history: its timeline and forks; the last one known while no writer answers. */
export interface WriterLine {
  name?: string;
  lsn?: Lsn;
  timeline: number;
  history: TimelineHistory | undefined;
}

export interface Lag {
  bytes: number | null;
  ms: number | null;
}

/** Whether a node may serve reads. `lag` is the replica's against the writer (null figures without one). */
export function routingOf(
  node: NodeFacts,
  choice: WriterChoice,
  line: WriterLine | undefined,
  lag: Lag,
  limits: RoutingLimits,
): Routing {
  if (!node.reachable) return excluded("unreachable", "unreachable"); // the driver's error is for operators (probeError), not for every reader
  if (node.inRecovery === undefined) return excluded("not-probed", "not probed yet");
  if (node.inRecovery === false) {
    if (node.name === choice.writer)
      return excluded("primary", "the primary: it serves reads when no replica can, or when a read asks for it");
    const bar = choice.barred.get(node.name);
    if (bar === "stale-primary")
      return excluded(
        "stale-primary",
        `accepts writes on an older timeline (${node.timeline ?? "unknown"}) than the primary: it missed a failover`,
      );
    return excluded("conflicting-primary", choice.noWriterBecause ?? "accepts writes beside another primary");
  }
  if (line) {
    const relation = relationToWriter(line, { timeline: node.timeline, replayLsn: node.lsn });
    if (relation === "diverged") {
      const where =
        node.timeline !== null && line.history
          ? describeFork(line.history, node.timeline)
          : `it is on timeline ${node.timeline}`;
      const at = node.lsn === undefined ? "" : ` and replayed to ${formatLsn(node.lsn)}`;
      return excluded(
        "diverged",
        `diverged from the primary's history: ${where}${at}; it holds writes that were lost and can never follow`,
      );
    }
    if (relation === "unknown") {
      return excluded(
        "timeline-behind",
        `on timeline ${node.timeline ?? "unknown"}, the primary on ${line.timeline}: not yet shown to be on the primary's history`,
      );
    }
  }
  if (node.suspect)
    return excluded(
      "suspect",
      "a read on it was slow enough to be sent elsewhere too; out until the next probe answers",
    );
  const paused = node.replayPaused ? "replay paused, " : "";
  if (lag.ms !== null && lag.ms > limits.maxLagMs)
    return excluded("lagging", `${paused}lagging ${formatDuration(lag.ms)} (limit ${formatDuration(limits.maxLagMs)})`);
  if (lag.bytes !== null && lag.bytes > limits.maxLagBytes)
    return excluded("lagging", `${paused}lagging ${formatBytes(lag.bytes)} (limit ${formatBytes(limits.maxLagBytes)})`);
  return ROUTABLE;
}

/** The writer's flush positions over time: how lag in time is measured without the replicas' clocks. */
export interface WriterSample {
  lsn: Lsn;
  at: number;
}

/**
 * A replica's lag: bytes behind the writer's position, and in time, now minus when the writer was first
 * seen past the replica's position (a replica missing writes committed before t is at least now - t
 * stale). Null figures for the writer itself, a node not in recovery, or with no writer to compare with.
 */
export function lagOf(node: NodeFacts, writer: NodeFacts | undefined, samples: WriterSample[], now: number): Lag {
  if (!writer || node === writer || node.inRecovery !== true || !node.reachable || node.lsn === undefined)
    return { bytes: null, ms: null };
  const replayed = node.lsn;
  const bytes = writer.lsn === undefined ? null : bytesBetween(writer.lsn, replayed);
  const firstAhead = samples.find((s) => s.lsn > replayed);
  return { bytes, ms: firstAhead ? now - firstAhead.at : 0 };
}
