/**
 * One recompute of routing from the nodes' facts: the writer, its line of history, its recent positions,
 * and each node's role, lag and routing state (the rules are ./routing-rules.ts). Synchronous and free of
 * I/O, so a node that leaves meanwhile is never routed to from a list taken before it left.
 */
import type { NodeRecord, RoutableNode } from "./node-record";
import {
  chooseWriter,
  lagOf,
  type RoutingLimits,
  routingOf,
  type WriterChoice,
  type WriterLine,
  type WriterSample,
} from "./routing-rules";
import { addWriterSample } from "./writer-samples";

export interface RoutingRound {
  choice: WriterChoice;
  /** The writer's line, or the last one seen while no writer answers. */
  line: WriterLine | undefined;
  samples: WriterSample[];
  /** The routable replicas, so a read allocates nothing to find them. */
  routable: readonly RoutableNode[];
}

/** Routing for `records` (each one's suspect, role, lag and routing set in place), from the last round's line and samples. */
export function routeRound(
  records: NodeRecord[],
  last: { line: WriterLine | undefined; samples: WriterSample[] },
  historyOf: (name: string, timeline: number) => WriterLine["history"],
  limits: RoutingLimits,
  now: number,
): RoutingRound {
  for (const record of records) record.suspect = record.suspectSince !== undefined;
  const choice = chooseWriter(records);
  const writer = choice.writer === undefined ? undefined : records.find((r) => r.name === choice.writer);
  const line =
    writer && writer.timeline !== null
      ? {
          name: writer.name,
          lsn: writer.lsn,
          timeline: writer.timeline,
          history: historyOf(writer.name, writer.timeline),
        }
      : last.line;
  const samples = writer?.lsn !== undefined ? addWriterSample(last.samples, writer.lsn, now) : last.samples;
  for (const record of records) {
    record.role = choice.roles.get(record.name) ?? "unknown";
    record.lag = lagOf(record, writer, samples, now);
    record.routing = routingOf(record, choice, line, record.lag, limits);
  }
  return { choice, line, samples, routable: records.filter((r) => r.routing.routable) };
}
