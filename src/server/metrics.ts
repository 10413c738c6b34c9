/**
 * /api/metrics: the data layer's routing and health in Prometheus format, named in postgres_exporter's
 * style (`<namespace>_<what>_<unit>`, `_total` for counters, one `node` label). Values are read at
 * scrape time from what the data layer keeps anyway (routing-view.ts), so nothing is double-counted.
 */
import type { DataLayer } from "~/server/db/data-layer";
import { type MetricFamily, PROMETHEUS_CONTENT_TYPE, formatPrometheus } from "./prometheus";
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
    { name: "tandem_reads_total", type: "counter", help: "Reads served by each node (the writer serves reads only as the fallback).", samples: perNode(view.nodes, (n) => n.readsServed) },
    { name: "tandem_read_fallbacks_total", type: "counter", help: "Reads meant for this replica that failed on it and were retried on the writer.", samples: perNode(view.nodes, (n) => n.fallbacks) },
    { name: "tandem_db_errors_total", type: "counter", help: "Connection errors app queries met on each node.", samples: perNode(view.nodes, (n) => n.errors) },
    { name: "tandem_writes_total", type: "counter", help: "Writes committed on each node.", samples: perNode(view.nodes, (n) => n.writes) },
    { name: "tandem_node_up", type: "gauge", help: "1 if the node answered its last health probe.", samples: perNode(view.nodes, (n) => bit(n.reachable)) },
    { name: "tandem_node_writer", type: "gauge", help: "1 for the node writes go to.", samples: perNode(view.nodes, (n) => bit(n.node === view.writer)) },
    { name: "tandem_replica_lag_seconds", type: "gauge", help: "How far each replica's replay is behind the writer, in seconds (absent when unknown).", samples: perNode(readNodes, (n) => n.lagSeconds) },
    { name: "tandem_replica_lag_bytes", type: "gauge", help: "How far each replica's replay is behind the writer's WAL, in bytes (absent when unknown).", samples: perNode(readNodes, (n) => n.lagBytes) },
    { name: "tandem_replica_healthy", type: "gauge", help: "1 if the replica is in the routing set (reachable, in recovery, within the lag bounds).", samples: perNode(readNodes, (n) => bit(n.routing.routable)) },
    { name: "tandem_all_replicas_out", type: "gauge", help: "1 if replicas are configured but none may serve reads, so every read goes to the writer.", samples: [{ value: bit(view.allReplicasOut) }] },
  ];
}

export async function metricsResponse(getDb: () => DataLayer): Promise<Response> {
  const text = formatPrometheus(tandemMetrics(await routingView(getDb())));
  return new Response(text, { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } });
}
