/**
 * Connection URLs of the embedded cluster, for the app and Prisma: they follow the state file, so after
 * `db:promote` they name the new primary without anyone editing an env file.
 */
import {
  type ClusterState,
  type Credentials,
  defaultDataRoot,
  hostOf,
  type NodeState,
  primaryOf,
  readState,
  replicasOf,
} from "./state";
import { tlsUrlQuery } from "./tls-settings";

export function nodeUrl(
  state: ClusterState,
  node: Pick<NodeState, "port" | "host">,
  who: Credentials = state.app,
  database = state.database,
): string {
  const user = encodeURIComponent(who.user);
  const password = encodeURIComponent(who.password);
  const tls = state.tls ? `?${tlsUrlQuery(state.tls.rootCert)}` : "";
  return `postgresql://${user}:${password}@${hostOf(state, node)}:${node.port}/${database}${tls}`;
}

export interface ClusterUrls {
  primary: string;
  replicas: string[];
  /** The nodes' names in the same order, [primary, ...replicas]: after a promote `replica1` may be the primary. */
  names: string[];
  /** The primary as the owner role, for Prisma Migrate (the app's runtime role may not change the schema). */
  migration: string;
}

export function clusterUrls(state: ClusterState): ClusterUrls {
  const primary = primaryOf(state);
  const replicas = replicasOf(state);
  return {
    primary: nodeUrl(state, primary),
    replicas: replicas.map((r) => nodeUrl(state, r)),
    names: [primary.name, ...replicas.map((r) => r.name)],
    // An older cluster's state has no owner until `db:up` adds it; until then its app role owns the tables.
    migration: nodeUrl(state, primary, state.owner ?? state.app),
  };
}

/** The embedded cluster's URLs, or undefined when no cluster has been created under the data root. */
export function embeddedClusterUrls(root: string = defaultDataRoot()): ClusterUrls | undefined {
  const state = readState(root);
  return state && clusterUrls(state);
}
