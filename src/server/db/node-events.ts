/**
 * What changed in the cluster, as data: produced where the change is seen (the replication monitor for
 * nodes and the writer, the admin API for the levers it pulls) and kept by the event log
 * (~/server/db/event-log.ts). The admin page words them; nothing here is a sentence to parse.
 */

/** Seen by the monitor's probes. */
export type MonitorEventKind =
  | "node-lost"
  | "node-back"
  | "writer-moved"
  | "no-writer"
  | "diverged"
  | "stale-primary"
  | "conflicting-primary";
/** Done through the admin API. */
export type ActionEventKind = "promote" | "pause" | "resume";
export type OpsEventKind = MonitorEventKind | ActionEventKind;

/** Plain values only, so an event is the same after a trip through JSON. */
export type EventDetails = Record<string, string | number | boolean | null>;

export interface NodeEvent<K extends OpsEventKind = OpsEventKind> {
  kind: K;
  /** The node it is about; null for cluster-wide events (no node accepts writes). */
  node: string | null;
  details: EventDetails;
}

export type MonitorEvent = NodeEvent<MonitorEventKind>;

/** A recorded event: when (epoch ms, server clock) and a number that only grows, for `since` and keys. */
export interface OpsEvent extends NodeEvent {
  id: number;
  at: number;
}

export const MONITOR_EVENT_KINDS: readonly MonitorEventKind[] = [
  "node-lost",
  "node-back",
  "writer-moved",
  "no-writer",
  "diverged",
  "stale-primary",
  "conflicting-primary",
];
export const OPS_EVENT_KINDS: readonly OpsEventKind[] = [...MONITOR_EVENT_KINDS, "promote", "pause", "resume"];
