/**
 * The topology anyone may see (the home page): each node's name, endpoint, role and health as
 * replication.status gives them (./node-status.ts), so the names are the ones the admin page and
 * `db:status` use, and a promote shows at once. Left out: what is for operators only (the driver's error,
 * which may name hosts; WAL positions, slots and streams; per-node counters).
 */
import type { NodeStatusView, ReplicationStatusView } from "./node-status";

export type PublicNode = Pick<
  NodeStatusView,
  | "name"
  | "endpoint"
  | "configuredRole"
  | "role"
  | "fenced"
  | "reachable"
  | "routing"
  | "replayPaused"
  | "lagBytes"
  | "lagSeconds"
>;

export interface PublicTopology {
  cluster: ReplicationStatusView["cluster"];
  writer: string | null;
  allReplicasOut: boolean;
  nodes: PublicNode[];
}

export function publicTopology(status: ReplicationStatusView): PublicTopology {
  return {
    cluster: status.cluster,
    writer: status.writer,
    allReplicasOut: status.allReplicasOut,
    nodes: status.nodes.map(
      ({ name, endpoint, configuredRole, role, fenced, reachable, routing, replayPaused, lagBytes, lagSeconds }) => ({
        name,
        endpoint,
        configuredRole,
        role,
        fenced,
        reachable,
        routing,
        replayPaused,
        lagBytes,
        lagSeconds,
      }),
    ),
  };
}
