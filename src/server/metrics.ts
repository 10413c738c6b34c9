/**
 * /api/metrics: the data layer's routing and health in Prometheus format, named in postgres_exporter's
 * style (`<namespace>_<what>_<unit>`, `_total` for counters, one `node` label). Values are read at
 * scrape time from what the data layer keeps anyway (routing-view.ts), so nothing is double-counted.
 */
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import type { TopologyStatus } from "~/server/db/topology/topology";
import { formatPrometheus, type MetricFamily, PROMETHEUS_CONTENT_TYPE } from "./prometheus";
import { type NodeRouting, type RoutingView, routingView } from "./routing-view";

const bit = (value: boolean) => (value ? 1 : 0);

export function tandemMetrics(view: RoutingView): MetricFamily[] {
  const perNode = (nodes: NodeRouting[], value: (n: NodeRouting) => number | null) =>
    nodes.flatMap((n) => {
      const v = value(n);
      return v === null ? [] : [{ labels: { node: n.node }, value: v }]; // unknown: no sample, not a made-up 0
    });
  const readNodes = view.nodes.filter((n) => n.node !== view.writer);
  return [
    {
      name: "tandem_reads_total",
      type: "counter",
      help: "Reads served by each node (the writer serves reads only as the fallback).",
      samples: perNode(view.nodes, (n) => n.readsServed),
    },
    {
      name: "tandem_read_fallbacks_total",
      type: "counter",
      help: "Reads meant for this replica that failed on it and were retried on the writer.",
      samples: perNode(view.nodes, (n) => n.fallbacks),
    },
    {
      name: "tandem_db_errors_total",
      type: "counter",
      help: "Connection errors app queries met on each node.",
      samples: perNode(view.nodes, (n) => n.errors),
    },
    {
      name: "tandem_writes_total",
      type: "counter",
      help: "Writes committed on each node.",
      samples: perNode(view.nodes, (n) => n.writes),
    },
    {
      name: "tandem_node_up",
      type: "gauge",
      help: "1 if the node answered its last health probe.",
      samples: perNode(view.nodes, (n) => bit(n.reachable)),
    },
    {
      name: "tandem_node_writer",
      type: "gauge",
      help: "1 for the node writes go to.",
      samples: perNode(view.nodes, (n) => bit(n.node === view.writer)),
    },
    {
      name: "tandem_replica_lag_seconds",
      type: "gauge",
      help: "How far each replica's replay is behind the writer, in seconds (absent when unknown).",
      samples: perNode(readNodes, (n) => n.lagSeconds),
    },
    {
      name: "tandem_replica_lag_bytes",
      type: "gauge",
      help: "How far each replica's replay is behind the writer's WAL, in bytes (absent when unknown).",
      samples: perNode(readNodes, (n) => n.lagBytes),
    },
    {
      name: "tandem_replica_healthy",
      type: "gauge",
      help: "1 if the replica is in the routing set (reachable, in recovery, within the lag bounds).",
      samples: perNode(readNodes, (n) => bit(n.routing.routable)),
    },
    {
      name: "tandem_node_excluded",
      type: "gauge",
      help: "1 for the reason a node serves no reads now (kind: unreachable, lagging, diverged, stale-primary, suspect, …); no sample while it is routable.",
      samples: view.nodes.flatMap((n) =>
        n.routing.routable ? [] : [{ labels: { node: n.node, kind: n.routing.kind }, value: 1 }],
      ),
    },
    {
      name: "tandem_node_timeline",
      type: "gauge",
      help: "The timeline each node is on (absent when unknown); the writer's is the newest.",
      samples: perNode(view.nodes, (n) => n.timeline),
    },
    {
      name: "tandem_read_hedges_total",
      type: "counter",
      help: "Replica reads slow enough to be sent to another node too.",
      samples: perNode(view.nodes, (n) => n.hedges),
    },
    {
      name: "tandem_all_replicas_out",
      type: "gauge",
      help: "1 if replicas are configured but none may serve reads, so every read goes to the writer.",
      samples: [{ value: bit(view.allReplicasOut) }],
    },
    ...topologyMetrics(view.topology),
  ];
}

/** The topology source: which one, whether its last poll answered, when it last did, how many nodes still drain. */
function topologyMetrics(topology: TopologyStatus): MetricFamily[] {
  const lastAnswer = topology.lastDiscoveryAt === null ? [] : [{ value: Date.parse(topology.lastDiscoveryAt) / 1000 }];
  return [
    {
      name: "tandem_topology_info",
      type: "gauge",
      help: "1, labelled with the topology source in use (static, embedded, dns, patroni).",
      samples: [{ labels: { source: topology.kind }, value: 1 }],
    },
    {
      name: "tandem_topology_source_up",
      type: "gauge",
      help: "1 if the topology source answered its last poll (the node set is kept while it does not).",
      samples: [{ value: bit(topology.lastError === null) }],
    },
    {
      name: "tandem_topology_last_discovery_timestamp_seconds",
      type: "gauge",
      help: "When the topology source last answered (Unix time; absent before it first did).",
      samples: lastAnswer,
    },
    {
      name: "tandem_topology_draining_nodes",
      type: "gauge",
      help: "Nodes that left the topology and still finish the queries they had.",
      samples: [{ value: topology.draining.length }],
    },
  ];
}

export async function metricsResponse(getDb: () => DataLayer): Promise<Response> {
  const text = formatPrometheus(tandemMetrics(await routingView(getDb())));
  return new Response(text, { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } });
}
