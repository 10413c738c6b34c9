import { describe, expect, it } from "vitest";
import { tandemMetrics } from "~/server/metrics";
import { formatPrometheus } from "~/server/prometheus";
import type { NodeRouting, RoutingView } from "~/server/routing-view";
import { newerToken } from "~/trpc/consistency-token";
import { parsePrometheusText } from "../../support/prometheus-text";

describe("formatPrometheus", () => {
  it("writes HELP, TYPE and samples, escaping label values and help text", () => {
    const text = formatPrometheus([
      {
        name: "x_total",
        type: "counter",
        help: "a \\ b\nc",
        samples: [{ labels: { node: 'we"ird\\\n' }, value: 3 }, { value: Number.NaN }],
      },
      { name: "y", type: "gauge", help: "y", samples: [{ value: Number.POSITIVE_INFINITY }] },
    ]);
    expect(text).toBe(
      [
        "# HELP x_total a \\\\ b\\nc",
        "# TYPE x_total counter",
        'x_total{node="we\\"ird\\\\\\n"} 3',
        "x_total NaN",
        "# HELP y y",
        "# TYPE y gauge",
        "y +Inf",
        "",
      ].join("\n"),
    );
    const parsed = parsePrometheusText(text);
    expect(parsed.get("x_total")?.samples).toHaveLength(2);
  });

  it("refuses names Prometheus would reject", () => {
    expect(() => formatPrometheus([{ name: "bad-name", type: "gauge", help: "h", samples: [] }])).toThrow(
      /Invalid metric name/,
    );
    expect(() =>
      formatPrometheus([
        { name: "ok", type: "gauge", help: "h", samples: [{ labels: { "bad-label": "v" }, value: 1 }] },
      ]),
    ).toThrow(/Invalid label name/);
  });
});

function node(name: string, overrides: Partial<NodeRouting>): NodeRouting {
  return {
    node: name,
    endpoint: "127.0.0.1:5432",
    configuredRole: name === "primary" ? "primary" : "replica",
    role: "replica",
    routing: { routable: true },
    timeline: 1,
    reachable: true,
    lagBytes: 0,
    lagSeconds: 0,
    replayPaused: false,
    lastProbeAt: null,
    probeError: null,
    probeFailure: null,
    readsServed: 0,
    fallbacks: 0,
    hedges: 0,
    errors: 0,
    writes: 0,
    ...overrides,
  };
}

describe("tandemMetrics", () => {
  const view: RoutingView = {
    writer: "primary",
    allReplicasOut: false,
    topology: {
      kind: "patroni",
      description: "patroni (3 member APIs)",
      lastDiscoveryAt: "2026-12-02T15:00:00.000Z",
      lastError: null,
      draining: ["pg4"],
    },
    nodes: [
      node("primary", {
        role: "primary",
        routing: { routable: false, kind: "primary", detail: "the primary" },
        lagBytes: null,
        lagSeconds: null,
        readsServed: 2,
        writes: 7,
      }),
      node("replica1", { readsServed: 40, lagBytes: 128, lagSeconds: 0.25 }),
      node("replica2", {
        reachable: false,
        routing: { routable: false, kind: "unreachable", detail: "unreachable" },
        lagBytes: null,
        lagSeconds: null,
        readsServed: 3,
        fallbacks: 1,
        errors: 2,
      }),
    ],
  };
  const families = parsePrometheusText(formatPrometheus(tandemMetrics(view)));
  const value = (name: string, nodeName?: string) =>
    families.get(name)?.samples.find((s) => s.labels.node === nodeName)?.value;

  it("counts reads, fallbacks, errors and writes per node", () => {
    expect([
      value("tandem_reads_total", "primary"),
      value("tandem_reads_total", "replica1"),
      value("tandem_reads_total", "replica2"),
    ]).toEqual([2, 40, 3]);
    expect(value("tandem_read_fallbacks_total", "replica2")).toBe(1);
    expect(value("tandem_db_errors_total", "replica2")).toBe(2);
    expect(value("tandem_writes_total", "primary")).toBe(7);
  });

  it("reports replica gauges for replicas only, and leaves out lag nobody knows", () => {
    expect(value("tandem_replica_lag_seconds", "replica1")).toBe(0.25);
    expect(value("tandem_replica_lag_bytes", "replica1")).toBe(128);
    expect(value("tandem_replica_lag_seconds", "replica2")).toBeUndefined();
    expect(value("tandem_replica_healthy", "replica1")).toBe(1);
    expect(value("tandem_replica_healthy", "replica2")).toBe(0);
    expect(value("tandem_replica_healthy", "primary")).toBeUndefined();
    expect(value("tandem_node_up", "replica2")).toBe(0);
    const excluded = families.get("tandem_node_excluded")?.samples.map((s) => [s.labels.node, s.labels.kind, s.value]);
    expect(excluded).toEqual([
      ["primary", "primary", 1],
      ["replica2", "unreachable", 1],
    ]);
    expect(value("tandem_node_timeline", "replica1")).toBe(1);
    expect(value("tandem_node_writer", "primary")).toBe(1);
    expect(value("tandem_all_replicas_out")).toBe(0);
  });

  it("says which topology source is in use, whether it answers, and who drains", () => {
    expect(families.get("tandem_topology_info")?.samples).toEqual([{ labels: { source: "patroni" }, value: 1 }]);
    expect(value("tandem_topology_source_up")).toBe(1);
    expect(value("tandem_topology_last_discovery_timestamp_seconds")).toBe(Date.parse("2026-12-02T15:00:00Z") / 1000);
    expect(value("tandem_topology_draining_nodes")).toBe(1);
  });
});

describe("newerToken", () => {
  it("keeps the later WAL position whatever the order responses arrive in", () => {
    expect(newerToken(undefined, "0/10")).toBe("0/10");
    expect(newerToken("0/10", "0/9")).toBe("0/10");
    expect(newerToken("0/FFFFFFFF", "1/0")).toBe("1/0");
    expect(newerToken("1/0", "0/FFFFFFFF")).toBe("1/0");
    expect(newerToken("garbage", "0/1")).toBe("0/1");
  });
});
