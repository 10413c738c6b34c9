/**
 * `db:status` and `db:verify`'s view of every node: each node's own answer joined with the primary's
 * view of its replicas (the SQL is shared with the app's replication.status: ../replication/status.ts),
 * over short-lived connections, so it works with the app stopped.
 */
import {
  type NodeQuery,
  type SelfStatus,
  type SlotStatus,
  type StreamStatus,
  selfStatus,
  streamOf,
  writerView,
} from "../replication/status";
import { withClient } from "./sql";
import { primaryNode, type Topology, type TopologyNode } from "./topology";

export type { SlotStatus, WalReceiverStatus } from "../replication/status";

export type NodeStatus = {
  name: string;
  role: TopologyNode["role"];
  host: string;
  port: number;
  url: string;
  running: boolean;
  error?: string;
  slot?: SlotStatus | null;
} & Partial<SelfStatus> &
  Partial<StreamStatus>;

/** One statement over a connection of its own. */
const queryOn =
  (url: string): NodeQuery =>
  (sql, params) =>
    withClient(url, async (client) => (await client.query(sql, params)).rows);

export async function clusterStatus(topology: Topology): Promise<NodeStatus[]> {
  const statuses = await Promise.all(topology.nodes.map(nodeStatus));
  const primary = statuses.find((s) => s.name === primaryNode(topology).name);
  if (!primary?.running) return statuses;
  const view = await writerView(queryOn(primaryNode(topology).queryUrl));
  for (const status of statuses.filter((s) => s.role === "replica")) {
    const { stream, slot } = streamOf(view, status);
    Object.assign(status, stream, { slot });
  }
  return statuses;
}

async function nodeStatus(node: TopologyNode): Promise<NodeStatus> {
  const base = { name: node.name, role: node.role, host: node.host, port: node.port, url: node.url };
  try {
    return { ...base, running: true, ...(await selfStatus(queryOn(node.queryUrl))) };
  } catch (error) {
    return { ...base, running: false, error: (error as Error).message };
  }
}
