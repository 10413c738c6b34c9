/**
 * The database nodes the app is configured with: the primary from DATABASE_URL, replicas from
 * DATABASE_REPLICA_URLS (or the embedded cluster's). "Configured role" is only where a node started:
 * after a failover the monitor may find the configured primary gone and a configured replica writable.
 */
import { endpointOf } from "~/config/redact-url";
import type { DatabaseConfig } from "~/env";
import { positionalNames } from "~/replication/node-names";

export interface DbNode {
  /** The embedded cluster's names; for URLs from the environment, `primary`, `replica1`, … in order. */
  name: string;
  configuredRole: "primary" | "replica";
  url: string;
  /** host:port, safe to show. */
  endpoint: string;
}

export function nodesOf(database: DatabaseConfig): DbNode[] {
  const names = database.names ?? positionalNames(database.replicaUrls.length);
  const node = (i: number, configuredRole: DbNode["configuredRole"], url: string): DbNode => ({ name: names[i], configuredRole, url, endpoint: endpointOf(url) });
  return [node(0, "primary", database.primaryUrl), ...database.replicaUrls.map((url, i) => node(i + 1, "replica", url))];
}
