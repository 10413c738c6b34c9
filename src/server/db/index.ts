/**
 * The one module that owns database access. The app gets its data layer here; tests and the benchmark
 * build their own with `createDataLayer` against clusters they start.
 *
 * One instance per server process, kept on globalThis because Next's dev server re-evaluates modules on
 * every edit and would otherwise open new pools each time (the create-t3-app pattern).
 */
import { type Env, getEnv } from "~/env";
import { appOpsRecords } from "./app-ops-records";
import { type OpsRecords, inMemoryOpsRecords } from "./ops-records";
import { DataLayer } from "./data-layer";
import { createNodeClients } from "./node-clients";
import { nodesOf } from "./nodes";
import { ReplicationMonitor } from "./replication-monitor";

export type DataLayerConfig = Pick<
  Env,
  | "database"
  | "DATABASE_POOL_SIZE"
  | "REPLICA_POOL_SIZE"
  | "DB_CONNECT_TIMEOUT_MS"
  | "DB_QUERY_TIMEOUT_MS"
  | "REPLICA_PROBE_INTERVAL_MS"
  | "REPLICA_MAX_LAG_MS"
  | "REPLICA_MAX_LAG_BYTES"
  | "RYW_MAX_WAIT_MS"
  | "READ_HEDGE_FLOOR_MS"
>;

/** `records`: where the monitor's events and lag history go (in memory unless given; the app's persist). */
export function createDataLayer(config: DataLayerConfig, records: OpsRecords = inMemoryOpsRecords()): DataLayer {
  const nodes = nodesOf(config.database);
  const clients = createNodeClients(nodes, {
    primaryPoolSize: config.DATABASE_POOL_SIZE,
    replicaPoolSize: config.REPLICA_POOL_SIZE,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
  });
  const monitor = new ReplicationMonitor(nodes, {
    probeIntervalMs: config.REPLICA_PROBE_INTERVAL_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    maxLagMs: config.REPLICA_MAX_LAG_MS,
    maxLagBytes: config.REPLICA_MAX_LAG_BYTES,
    // Not under test runners: tests stop nodes on purpose, and their output is about the tests.
    log: process.env.NODE_ENV === "test" ? undefined : (line) => console.warn(`[db] ${line}`),
    onEvent: records.events.record,
    lagHistory: records.lagHistory,
  });
  return new DataLayer(nodes, clients, monitor, { rywMaxWaitMs: config.RYW_MAX_WAIT_MS, hedgeFloorMs: config.READ_HEDGE_FLOOR_MS });
}

const globalForDb = globalThis as unknown as { tandemDataLayer?: DataLayer };

/** The app's data layer, created on first use from the validated configuration. */
export function getDataLayer(): DataLayer {
  globalForDb.tandemDataLayer ??= createDataLayer(getEnv(), appOpsRecords());
  return globalForDb.tandemDataLayer;
}

export type { ReadClient, ReadOptions, ReadResult, RequestDb, ServedBy, ServedReason, WriteResult } from "./data-layer";
export { DatabaseUnavailableError } from "./data-layer";
