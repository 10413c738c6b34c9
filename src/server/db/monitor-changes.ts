/**
 * What the monitor tells operators after a probe round: once per change, a node lost or back, a node
 * newly diverged or barred from writes, the writer changing. Pure: two snapshots in, lines out. A node
 * that joined the topology since the last round is judged as on a first round.
 */
import type { NodeHealth } from "./replication-monitor";
import type { ExclusionKind } from "./routing-state";

const TOLD_EXCLUSIONS = new Set<ExclusionKind>(["diverged", "stale-primary", "conflicting-primary"]);

export interface WriterChange {
  writerBefore: string | undefined;
  writerNow: { name: string; timeline?: number } | { noWriterBecause: string };
  firstRound: boolean;
}

export function describeChanges(before: NodeHealth[], after: NodeHealth[], { writerBefore, writerNow, firstRound }: WriterChange): string[] {
  const lines: string[] = [];
  const previous = new Map(before.map((h) => [h.name, h]));
  for (const now of after) {
    const was = previous.get(now.name);
    const fresh = firstRound || was === undefined;
    if (!now.reachable && (fresh || was.reachable)) lines.push(`${now.name} (${now.endpoint}) is unreachable: ${now.error ?? "no answer"}`);
    else if (now.reachable && !fresh && !was.reachable) lines.push(`${now.name} (${now.endpoint}) is reachable again`);
    const kind = now.routing.routable ? undefined : now.routing.kind;
    const wasKind = was === undefined || was.routing.routable ? undefined : was.routing.kind;
    if (!now.routing.routable && kind !== wasKind && TOLD_EXCLUSIONS.has(now.routing.kind)) lines.push(`${now.name} (${now.endpoint}): ${now.routing.detail}`);
  }
  const name = "name" in writerNow ? writerNow.name : undefined;
  if (name === writerBefore && !firstRound) return lines;
  if ("name" in writerNow) lines.push(`writes go to ${writerNow.name}${writerNow.timeline === undefined ? "" : ` (timeline ${writerNow.timeline})`}`);
  else lines.push(`no node accepts writes: ${writerNow.noWriterBecause}`);
  return lines;
}
