/**
 * replication.status: one view per node, merged here rather than in the page. Routing facts (reachable,
 * role, may it serve reads and why not, replay position and pause, lag against the writer) come from the
 * data layer's monitor, which routing decides on; replication details (timeline, WAL receiver, the
 * writer's pg_stat_replication row and slot) from a shared round at most a second old
 * (./replication-details.ts). No connection URL (it holds the password) leaves the server.
 */

import { formatLsn } from "~/replication/lsn";
import type { SlotStatus, StreamStatus, WalReceiverStatus } from "~/replication/status";
import type { ClusterControl } from "~/server/api/cluster-control";
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import type { ConfiguredRole, NodeRole, Routing } from "~/server/db/monitor/routing-state";
import type { TopologyStatus } from "~/server/db/topology/topology";
import { replicationDetails } from "./replication-details";
import { routingView } from "./routing-view";

export interface NodeStatusView {
  name: string;
  /** host:port. */
  endpoint: string;
  configuredRole: ConfiguredRole;
  /** What it is now; `unknown` while it does not answer. */
  role: NodeRole;
  /** The embedded cluster fenced it: a former primary, stopped for good by a promote. */
  fenced: boolean;
  reachable: boolean;
  routing: Routing;
  /** Why it did not answer the last probe or the status query, for operators (it may name hosts). */
  error: string | null;
  /** The same in a sentence for people ("Not answering at 127.0.0.1:54322: connection refused."). */
  failure: string | null;
  lastProbeAt: string | null;
  timeline: number | null;
  /** Replica: replayed up to. Writable node: flushed up to. */
  lsn: string | null;
  replayPaused: boolean | null;
  /** Behind the writer, as routing measures it. */
  lagBytes: number | null;
  lagSeconds: number | null;
  receiveLsn: string | null;
  replayDelaySeconds: number | null;
  walReceiver: WalReceiverStatus | null;
  /** The writer's view of this replica (pg_stat_replication); null on the writer. */
  stream: StreamStatus | null;
  slot: SlotStatus | null;
  readsServed: number;
  fallbacks: number;
  errors: number;
  writes: number;
}

export interface ReplicationStatusView {
  /** Whether the levers (pause, resume, promote) are there. */
  cluster: "embedded" | "environment";
  /** Which topology source names the nodes, when it last answered, why it last failed, who is draining. */
  topology: TopologyStatus;
  writer: string | null;
  allReplicasOut: boolean;
  /** When the replication details were gathered (ISO); routing facts are at most one probe old. */
  detailsAt: string;
  nodes: NodeStatusView[];
}

export async function replicationStatus(
  db: DataLayer,
  cluster: ClusterControl | undefined,
): Promise<ReplicationStatusView> {
  const view = await routingView(db); // waits for the monitor's first round, so the writer is known below
  const details = await replicationDetails(db, cluster);
  const health = new Map(db.monitor.snapshot().map((h) => [h.name, h]));
  const nodes = view.nodes.map((node): NodeStatusView => {
    const h = health.get(node.node);
    const d = details.nodes.get(node.node);
    return {
      name: node.node,
      endpoint: node.endpoint,
      configuredRole: node.configuredRole,
      role: node.role,
      routing: node.routing,
      fenced: details.fenced.has(node.node),
      reachable: node.reachable,
      error: node.probeError ?? d?.error ?? null,
      failure: node.probeFailure ?? (d?.error ? `Its replication status could not be read: ${d.error}.` : null),
      lastProbeAt: node.lastProbeAt,
      timeline: node.timeline ?? d?.self?.timeline ?? null,
      lsn: h?.lsn === undefined ? null : formatLsn(h.lsn),
      replayPaused: node.replayPaused,
      lagBytes: node.lagBytes,
      lagSeconds: node.lagSeconds,
      receiveLsn: d?.self?.receiveLsn ?? null,
      replayDelaySeconds: d?.self?.replayDelaySeconds ?? null,
      walReceiver: d?.self?.walReceiver ?? null,
      stream: d?.stream ?? null,
      slot: d?.slot ?? null,
      readsServed: node.readsServed,
      fallbacks: node.fallbacks,
      errors: node.errors,
      writes: node.writes,
    };
  });
  return {
    cluster: cluster ? "embedded" : "environment",
    writer: view.writer,
    allReplicasOut: view.allReplicasOut,
    topology: view.topology,
    detailsAt: new Date(details.at).toISOString(),
    nodes: [...nodes, ...fencedOutsideTheDataLayer(nodes, details.fenced, cluster)],
  };
}

/**
 * A server started after a promote reads its nodes from the state file, which no longer routes to the
 * fenced former primary: it is listed still (from the cluster), so it does not vanish from the page.
 */
function fencedOutsideTheDataLayer(
  known: NodeStatusView[],
  fenced: Set<string>,
  cluster: ClusterControl | undefined,
): NodeStatusView[] {
  const names = new Set(known.map((n) => n.name));
  return [...fenced]
    .filter((name) => !names.has(name))
    .map((name) => ({
      name,
      endpoint: cluster?.endpointOf(name) ?? "unknown",
      configuredRole: "primary",
      role: "unknown",
      fenced: true,
      reachable: false,
      routing: { routable: false, kind: "unreachable", detail: "fenced: stopped for good by a promote" },
      error: null,
      failure: null,
      lastProbeAt: null,
      timeline: null,
      lsn: null,
      replayPaused: null,
      lagBytes: null,
      lagSeconds: null,
      receiveLsn: null,
      replayDelaySeconds: null,
      walReceiver: null,
      stream: null,
      slot: null,
      readsServed: 0,
      fallbacks: 0,
      errors: 0,
      writes: 0,
    }));
}
