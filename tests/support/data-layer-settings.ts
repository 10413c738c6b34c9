/** Data layer settings for tests: a short probe interval and timeouts, so faults show up within a test's patience. */
import type { DataLayerConfig } from "~/server/db/index";

export const TEST_DATA_LAYER_SETTINGS: Omit<DataLayerConfig, "database"> = {
  DATABASE_POOL_SIZE: 5,
  REPLICA_POOL_SIZE: 5,
  DB_CONNECT_TIMEOUT_MS: 2_000,
  DB_QUERY_TIMEOUT_MS: 5_000,
  REPLICA_PROBE_INTERVAL_MS: 100,
  REPLICA_MAX_LAG_MS: 500,
  REPLICA_MAX_LAG_BYTES: 16 * 1024 * 1024,
  RYW_MAX_WAIT_MS: 200,
  READ_HEDGE_FLOOR_MS: 20,
};
