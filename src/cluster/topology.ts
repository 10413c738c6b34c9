/**
 * A cluster seen as URLs: the primary and its replicas, each with a name. Status and verify work on
 * this, so they serve the embedded cluster (from its state file) and any other cluster given by
 * DATABASE_URL / DATABASE_REPLICA_URLS (docker/, managed services) alike.
 */

import type { NamedNode } from "../config/database";
import { type ClusterState, hostOf, type NodeRole } from "../replication/state";
import { nodeUrl } from "../replication/urls";
import { adminUrl } from "./context";

export interface TopologyNode {
  name: string;
  role: NodeRole;
  host: string;
  port: number;
  /** What the app connects with, shown to users (psql accepts it). */
  url: string;
  /** What status and verify query with: the superuser on the embedded cluster, the app role elsewhere. */
  queryUrl: string;
}

export interface Topology {
  source: "embedded" | "urls";
  nodes: TopologyNode[];
}

export function topologyOfState(state: ClusterState): Topology {
  return {
    source: "embedded",
    nodes: state.nodes.map((node) => ({
      name: node.name,
      role: node.role,
      host: hostOf(state, node),
      port: node.port,
      url: nodeUrl(state, node),
      queryUrl: adminUrl(state, node, state.database),
    })),
  };
}

/** Nodes given by URL, named as src/config/database.ts names them. */
export function topologyOfUrls(nodes: NamedNode[]): Topology {
  return {
    source: "urls",
    nodes: nodes.map(({ name, role, url }) => {
      const parsed = new URL(url);
      return { name, role, host: parsed.hostname, port: Number(parsed.port || 5432), url, queryUrl: url };
    }),
  };
}

export const primaryNode = (t: Topology) => t.nodes.find((n) => n.role === "primary") as TopologyNode;
export const replicaNodes = (t: Topology) => t.nodes.filter((n) => n.role === "replica");
