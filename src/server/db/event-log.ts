/**
 * The admin page's event log: the last `capacity` events in memory, each also appended to a bounded
 * JSONL file (./bounded-jsonl.ts) when one is given, and read back from it on start, so the log
 * survives a restart. Without a file (tests, or a data root that cannot be written) it is memory only.
 */

import type { BoundedJsonl } from "./bounded-jsonl";
import type { NodeEvent, OpsEvent } from "./node-events";

export const EVENT_LOG_CAPACITY = 500;

export interface EventLogOptions {
  file?: BoundedJsonl<OpsEvent>;
  capacity?: number;
  /** Injectable for tests. */
  now?: () => number;
}

export class EventLog {
  readonly capacity: number;
  private readonly events: OpsEvent[];
  private readonly file: BoundedJsonl<OpsEvent> | undefined;
  private readonly now: () => number;
  private lastId: number;

  constructor({ file, capacity = EVENT_LOG_CAPACITY, now = Date.now }: EventLogOptions = {}) {
    this.capacity = capacity;
    this.file = file;
    this.now = now;
    this.events = (file?.readAll() ?? []).filter(isEvent).slice(-capacity);
    this.lastId = this.events.at(-1)?.id ?? 0;
  }

  /** Stamps the event with the time and the next id, keeps it, and returns it. */
  readonly record = (event: NodeEvent): OpsEvent => {
    const recorded: OpsEvent = { id: ++this.lastId, at: this.now(), ...event };
    this.events.push(recorded);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    this.file?.append(recorded);
    return recorded;
  };

  /** Newest first: the events with an id above `sinceId` (all kept without it), at most `limit`. */
  list({ sinceId = 0, limit = this.capacity }: { sinceId?: number; limit?: number } = {}): OpsEvent[] {
    const newer = this.events.filter((e) => e.id > sinceId);
    return newer.slice(-limit).reverse();
  }
}

/** A line from an older or damaged file that is not an event is left out rather than shown half. */
function isEvent(value: unknown): value is OpsEvent {
  const e = value as OpsEvent;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.id === "number" &&
    typeof e.at === "number" &&
    typeof e.kind === "string" &&
    typeof e.details === "object"
  );
}
