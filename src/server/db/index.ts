/**
 * The one module that owns database access. The app gets its data layer here; tests and the benchmark
 * build their own with `createDataLayer` against clusters they start.
 *
 * One instance per server process, kept on globalThis because Next's dev server re-evaluates modules on
 * every edit and would otherwise open new pools each time (the create-t3-app pattern).
 */
import { type Env, getEnv } from "~/env";
import { appOpsRecords } from "./app-ops-records";
import { DataLayer } from "./data-layer/data-layer";
import { ReplicationMonitor } from "./monitor/replication-monitor";
import { inMemoryOpsRecords, type OpsRecords } from "./ops-records";
import { type SourceSettings, topologySourceOf } from "./topology/create-source";
import { Topology } from "./topology/topology";

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
> &
  Partial<Pick<Env, "TOPOLOGY_POLL_INTERVAL_MS">>;

/** The default of TOPOLOGY_POLL_INTERVAL_MS, for configurations built without it (tests, benchmarks). */
const POLL_INTERVAL_MS = 2_000;

export interface DataLayerOptions extends Pick<SourceSettings, "dnsResolver"> {
  /** Where the monitor's events and lag history go (in memory unless given; the app's persist). */
  records?: OpsRecords;
}

export function createDataLayer(
  config: DataLayerConfig,
  { records = inMemoryOpsRecords(), dnsResolver }: DataLayerOptions = {},
): DataLayer {
  // Not under test runners: tests stop nodes on purpose, and their output is about the tests.
  const log = process.env.NODE_ENV === "test" ? undefined : (line: string) => console.warn(`[db] ${line}`);
  const { source, initial } = topologySourceOf(config.database, {
    memberTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    dnsResolver,
  });
  const topology = new Topology(
    source,
    {
      pools: {
        primaryPoolSize: config.DATABASE_POOL_SIZE,
        replicaPoolSize: config.REPLICA_POOL_SIZE,
        connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
      },
      pollIntervalMs: config.TOPOLOGY_POLL_INTERVAL_MS ?? POLL_INTERVAL_MS,
      // A leaving node's queries end by the query timeout at the latest; then its pool closes regardless.
      drainTimeoutMs: config.DB_QUERY_TIMEOUT_MS + config.DB_CONNECT_TIMEOUT_MS,
      log,
    },
    initial,
  );
  const monitor = new ReplicationMonitor(topology, {
    probeIntervalMs: config.REPLICA_PROBE_INTERVAL_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    maxLagMs: config.REPLICA_MAX_LAG_MS,
    maxLagBytes: config.REPLICA_MAX_LAG_BYTES,
    log,
    onEvent: records.events.record,
    lagHistory: records.lagHistory,
  });
  return new DataLayer(topology, monitor, {
    rywMaxWaitMs: config.RYW_MAX_WAIT_MS,
    hedgeFloorMs: config.READ_HEDGE_FLOOR_MS,
  });
}

const globalForDb = globalThis as unknown as { tandemDataLayer?: DataLayer };

/** The app's data layer, created on first use from the validated configuration. */
export function getDataLayer(): DataLayer {
  globalForDb.tandemDataLayer ??= createDataLayer(getEnv(), { records: appOpsRecords() });
  return globalForDb.tandemDataLayer;
}

export type {
  ReadClient,
  ReadOptions,
  ReadResult,
  RequestDb,
  ServedBy,
  ServedReason,
  WriteResult,
} from "./data-layer/data-layer";
export { DatabaseUnavailableError } from "./data-layer/data-layer";
