/**
 * What the monitor tells operators after a probe round: once per change, a node lost or back, a node
 * newly diverged or barred from writes, the writer changing. Pure: two snapshots in, events out, each
 * with the log line that says it. A node that joined the topology since the last round is judged as
 * on a first round.
 */
import type { MonitorEvent } from "../node-events";
import type { NodeHealth } from "./replication-monitor";
import type { ExclusionKind } from "./routing-state";

const TOLD_EXCLUSIONS = new Set<ExclusionKind>(["diverged", "stale-primary", "conflicting-primary"]);

export interface WriterChange {
  writerBefore: string | undefined;
  writerNow: { name: string; timeline?: number } | { noWriterBecause: string };
  firstRound: boolean;
}

export interface Change {
  line: string;
  event: MonitorEvent;
}

export function describeChanges(
  before: NodeHealth[],
  after: NodeHealth[],
  { writerBefore, writerNow, firstRound }: WriterChange,
): Change[] {
  const changes: Change[] = [];
  const previous = new Map(before.map((h) => [h.name, h]));
  for (const now of after) {
    const was = previous.get(now.name);
    const fresh = firstRound || was === undefined;
    const at = { endpoint: now.endpoint };
    if (!now.reachable && (fresh || was.reachable)) {
      changes.push({
        line: `${now.name} (${now.endpoint}) is unreachable: ${now.error ?? "no answer"}`,
        event: { kind: "node-lost", node: now.name, details: { ...at, error: now.error ?? null } },
      });
    } else if (now.reachable && !fresh && !was.reachable) {
      changes.push({
        line: `${now.name} (${now.endpoint}) is reachable again`,
        event: { kind: "node-back", node: now.name, details: at },
      });
    }
    const kind = now.routing.routable ? undefined : now.routing.kind;
    const wasKind = was === undefined || was.routing.routable ? undefined : was.routing.kind;
    if (!now.routing.routable && kind !== wasKind && TOLD_EXCLUSIONS.has(now.routing.kind)) {
      const told = now.routing.kind as "diverged" | "stale-primary" | "conflicting-primary";
      changes.push({
        line: `${now.name} (${now.endpoint}): ${now.routing.detail}`,
        event: { kind: told, node: now.name, details: { ...at, detail: now.routing.detail } },
      });
    }
  }
  const name = "name" in writerNow ? writerNow.name : undefined;
  if (name === writerBefore && !firstRound) return changes;
  const from = writerBefore === name ? null : (writerBefore ?? null);
  if ("name" in writerNow) {
    const timeline = writerNow.timeline ?? null;
    changes.push({
      line: `writes go to ${writerNow.name}${timeline === null ? "" : ` (timeline ${timeline})`}`,
      event: { kind: "writer-moved", node: writerNow.name, details: { from, timeline } },
    });
  } else {
    changes.push({
      line: `no node accepts writes: ${writerNow.noWriterBecause}`,
      event: {
        kind: "no-writer",
        node: null,
        details: { from: writerBefore ?? null, reason: writerNow.noWriterBecause },
      },
    });
  }
  return changes;
}
