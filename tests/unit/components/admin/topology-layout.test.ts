import { describe, expect, it } from "vitest";
import { topologyLayout } from "~/components/admin/topology-layout";
import { excluded } from "~/server/db/monitor/routing-state";
import { nodeView } from "./fixtures";

const writer = nodeView({
  name: "primary",
  configuredRole: "primary",
  role: "primary",
  routing: excluded("primary", "is the writer"),
  lagSeconds: null,
});

describe("topologyLayout: writer → replicas, lag on the edges, states in words", () => {
  it("draws an edge from the writer to each replica with its lag, and the state when it is not healthy", () => {
    const layout = topologyLayout(
      [
        writer,
        nodeView(),
        nodeView({
          name: "replica2",
          replayPaused: true,
          lagSeconds: 25.4,
          routing: excluded("lagging", "replay paused, lagging 25.4 s (limit 2.0 s)"),
        }),
      ],
      "primary",
    );
    expect(layout.nodes.map((n) => [n.name, n.role, n.label])).toEqual([
      ["primary", "writer", "Writer"],
      ["replica1", "replica", "Healthy"],
      ["replica2", "replica", "Replay paused · lagging"],
    ]);
    expect(layout.edges).toEqual([
      { from: "primary", to: "replica1", label: "lag 4 ms", tone: "ok" },
      { from: "primary", to: "replica2", label: "lag 25.4 s · replay paused · lagging", tone: "danger" },
    ]);
  });

  it("puts a fenced former primary and a promoted writer where they are now, with no edge to the fenced one", () => {
    const promoted = nodeView({ name: "replica1", role: "primary", routing: excluded("primary", "is the writer") });
    const fenced = nodeView({
      name: "primary",
      configuredRole: "primary",
      role: "unknown",
      fenced: true,
      reachable: false,
    });
    const layout = topologyLayout([fenced, promoted, nodeView({ name: "replica2" })], "replica1");
    expect(layout.nodes.map((n) => [n.name, n.role, n.label])).toEqual([
      ["replica1", "writer", "Promoted · writer"],
      ["replica2", "replica", "Healthy"],
      ["primary", "other", "Fenced"],
    ]);
    expect(layout.edges.map((e) => e.to)).toEqual(["replica2"]);
  });

  it("has no edges without a writer", () => {
    const layout = topologyLayout([nodeView({ name: "primary", reachable: false, role: "unknown" }), nodeView()], null);
    expect(layout.edges).toEqual([]);
    expect(layout.nodes.every((n) => n.role !== "writer")).toBe(true);
  });
});
