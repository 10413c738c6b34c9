/**
 * The data layer's view of its nodes in one place, for everything that reports it: replication.status
 * (admin), /api/health/ready and /api/metrics. It is the monitor's last probe (at most
 * REPLICA_PROBE_INTERVAL_MS old) plus the data layer's counters; it sends no query of its own.
 */
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import type { NodeRole, Routing } from "~/server/db/monitor/routing-state";
import type { TopologyStatus } from "~/server/db/topology/topology";

export interface NodeRouting {
  node: string;
  endpoint: string;
  configuredRole: "primary" | "replica";
  /** What it is now (routing-state.ts), which after a failover may differ from its configured role. */
  role: NodeRole;
  /** Whether it may serve reads now, and if not, why (`kind` for code, `detail` for people). */
  routing: Routing;
  timeline: number | null;
  reachable: boolean;
  lagBytes: number | null;
  lagSeconds: number | null;
  replayPaused: boolean | null;
  lastProbeAt: string | null;
  /** The last probe's error, for operators (it may name hosts: not for public endpoints). */
  probeError: string | null;
  /** The same in a sentence for people ("Not answering at host:port: connection refused."). */
  probeFailure: string | null;
  readsServed: number;
  fallbacks: number;
  hedges: number;
  errors: number;
  writes: number;
}

export interface RoutingView {
  /** The node writes go to, or null when no writable node is reachable (writes fail fast). */
  writer: string | null;
  /** Replicas are configured but none may serve reads: every read goes to the writer. */
  allReplicasOut: boolean;
  /** Where the node set comes from, when the source last answered, why it last failed, who is draining. */
  topology: TopologyStatus;
  /** The nodes in the topology now: one that left is gone from here at once (it may still finish queries). */
  nodes: NodeRouting[];
}

export async function routingView(db: DataLayer): Promise<RoutingView> {
  await db.monitor.start(); // the first call waits for one probe round
  const writer = db.monitor.writer()?.name ?? null;
  const counts = db.counts();
  const nodes = db.monitor.snapshot().map(
    (h): NodeRouting => ({
      node: h.name,
      endpoint: h.endpoint,
      configuredRole: h.configuredRole,
      role: h.role,
      routing: h.routing,
      timeline: h.timeline,
      reachable: h.reachable,
      lagBytes: h.lagBytes,
      lagSeconds: h.lagMs === null ? null : h.lagMs / 1000,
      replayPaused: h.replayPaused ?? null,
      lastProbeAt: h.lastProbeAt?.toISOString() ?? null,
      probeError: h.reachable ? null : (h.error ?? null),
      probeFailure: h.reachable ? null : (h.failure ?? null),
      ...counts[h.name],
    }),
  );
  // `routable` is never true for the writer (its exclusion kind is "primary"), so this asks about replicas only.
  return {
    writer,
    allReplicasOut: nodes.length > 1 && !nodes.some((n) => n.routing.routable),
    topology: db.topologyStatus(),
    nodes,
  };
}
