/**
 * The app's event log and lag history: persisted under the data root (./ops-records.ts), one set per
 * server process, kept on globalThis for the same reason as the data layer (Next's dev server
 * re-evaluates modules). The data layer's monitor writes to it, the admin API reads it.
 */
import { defaultDataRoot } from "~/replication/state";
import { fileOpsRecords, type OpsRecords, opsRecordsDir } from "./ops-records";

const globalForOps = globalThis as unknown as { tandemOpsRecords?: OpsRecords };

export function appOpsRecords(): OpsRecords {
  globalForOps.tandemOpsRecords ??= fileOpsRecords(opsRecordsDir(defaultDataRoot()), (file, error) =>
    console.warn(
      `[admin] ${file} cannot be written (${(error as Error).message}); the admin page's events and lag history are kept in memory only until a restart`,
    ),
  );
  return globalForOps.tandemOpsRecords;
}
