/**
 * Connection URLs of the embedded cluster, for the app and Prisma: they follow the state file, so after
 * `db:promote` they name the new primary without anyone editing an env file.
 */
import { type ClusterState, type Credentials, defaultDataRoot, primaryOf, readState, replicasOf } from "./state";

export function nodeUrl(state: ClusterState, port: number, who: Credentials = state.app, database = state.database): string {
  const user = encodeURIComponent(who.user);
  const password = encodeURIComponent(who.password);
  return `postgresql://${user}:${password}@${state.host}:${port}/${database}`;
}

export interface ClusterUrls {
  primary: string;
  replicas: string[];
}

export function clusterUrls(state: ClusterState): ClusterUrls {
  return {
    primary: nodeUrl(state, primaryOf(state).port),
    replicas: replicasOf(state).map((r) => nodeUrl(state, r.port)),
  };
}

/** The embedded cluster's URLs, or undefined when no cluster has been created under the data root. */
export function embeddedClusterUrls(root: string = defaultDataRoot()): ClusterUrls | undefined {
  const state = readState(root);
  return state && clusterUrls(state);
}
