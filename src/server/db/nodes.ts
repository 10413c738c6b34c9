/**
 * The database nodes the app is configured with: the primary from DATABASE_URL, replicas from
 * DATABASE_REPLICA_URLS (or the embedded cluster's). "Configured role" is only where a node started:
 * after a failover the monitor may find the configured primary gone and a configured replica writable.
 */
import { endpointOf } from "~/config/redact-url";
import type { DatabaseConfig } from "~/env";

export interface DbNode {
  /** `primary`, `replica1`, `replica2`, … in configuration order. */
  name: string;
  configuredRole: "primary" | "replica";
  url: string;
  /** host:port, safe to show. */
  endpoint: string;
}

export function nodesOf(database: DatabaseConfig): DbNode[] {
  const node = (name: string, configuredRole: DbNode["configuredRole"], url: string): DbNode => ({ name, configuredRole, url, endpoint: endpointOf(url) });
  return [node("primary", "primary", database.primaryUrl), ...database.replicaUrls.map((url, i) => node(`replica${i + 1}`, "replica", url))];
}
