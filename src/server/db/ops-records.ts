/**
 * What the admin page shows across restarts, and where it is kept: the event log and the lag history,
 * each a bounded JSONL file under the data root's `admin/` folder (TANDEM_DATA_DIR, default .tandem/).
 * ./bounded-jsonl.ts says why a local file rather than a table in the app's database.
 *
 * Bounds: events, 256 KiB a file (two files: the current and the one before), the last 500 in memory;
 * lag history, 512 KiB a file, which holds far more than the 5-minute window the chart draws.
 */
import path from "node:path";
import { BoundedJsonl } from "./bounded-jsonl";
import { EventLog } from "./event-log";
import { LagHistory } from "./monitor/lag-history";
import type { OpsEvent } from "./node-events";

export const EVENTS_FILE_MAX_BYTES = 256 * 1024;
export const LAG_FILE_MAX_BYTES = 512 * 1024;

export interface OpsRecords {
  events: EventLog;
  lagHistory: LagHistory;
}

/** Kept in memory only: for tests and tools that build their own data layer. */
export function inMemoryOpsRecords(): OpsRecords {
  return { events: new EventLog(), lagHistory: new LagHistory() };
}

/** Kept in `<dir>/events.jsonl` and `<dir>/lag-history.jsonl` (and their `.1` predecessors). */
export function fileOpsRecords(dir: string, onError: (file: string, error: unknown) => void): OpsRecords {
  const file = <T>(name: string, maxBytes: number) => {
    const where = path.join(dir, name);
    return new BoundedJsonl<T>(where, { maxBytes, onError: (error) => onError(where, error) });
  };
  return {
    events: new EventLog({ file: file<OpsEvent>("events.jsonl", EVENTS_FILE_MAX_BYTES) }),
    lagHistory: new LagHistory({ store: file("lag-history.jsonl", LAG_FILE_MAX_BYTES) }),
  };
}

/** The folder under the data root where the app keeps them. */
export function opsRecordsDir(dataRoot: string): string {
  return path.join(dataRoot, "admin");
}
