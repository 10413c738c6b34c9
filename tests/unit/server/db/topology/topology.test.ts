/**
 * The node set's bookkeeping: joins, leaves, drains. Clients are real PrismaClients over pg pools; none
 * of these tests sends a query, so no server is needed (a pool connects on its first query).
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "~/cluster/wait-for";
import type { DbNode } from "~/server/db/topology/db-node";
import type { DiscoveredNode, TopologySource } from "~/server/db/topology/source";
import { Topology } from "~/server/db/topology/topology";

const POOLS = { primaryPoolSize: 1, replicaPoolSize: 1, connectTimeoutMs: 1_000, queryTimeoutMs: 1_000 };
const url = (port: number) => `postgresql://u:p@127.0.0.1:${port}/db`;

/** A source whose answer the test sets; `fail` makes the next polls throw. */
function scripted(initial: DiscoveredNode[]) {
  const state = { nodes: initial, fail: undefined as string | undefined };
  const source: TopologySource = {
    kind: "static",
    description: "scripted",
    discover: async () => {
      if (state.fail) throw new Error(state.fail);
      return state.nodes;
    },
  };
  return { state, source };
}

function recorder(topology: Topology) {
  const events: string[] = [];
  const tell = (what: string) => (node: DbNode) => events.push(`${what} ${node.name}`);
  topology.subscribe({
    joined: tell("joined"),
    left: tell("left"),
    reassigned: tell("reassigned"),
    closed: tell("closed"),
  });
  return events;
}

describe("Topology", () => {
  it("tells joins and leaves, and closes a leaving node only after its last query", async () => {
    const { state, source } = scripted([
      { name: "a", url: url(1), role: "primary" },
      { name: "b", url: url(2), role: "replica" },
    ]);
    const topology = new Topology(
      source,
      { pools: POOLS, pollIntervalMs: 60_000, drainTimeoutMs: 60_000 },
      state.nodes,
    );
    const events = recorder(topology);
    const b = topology.entry("b");
    if (!b) throw new Error("b missing");
    topology.hold(b); // a read running on b
    state.nodes = [
      { name: "a", url: url(1), role: "primary" },
      { name: "c", url: url(3) },
    ];
    await topology.refresh();
    expect(events).toEqual(["left b", "joined c"]);
    expect(topology.nodes().map((n) => n.name)).toEqual(["a", "c"]);
    expect(topology.entry("b")).toBeUndefined(); // no new work for b
    expect(topology.status().draining).toEqual(["b"]);
    topology.release(b);
    await waitFor("b closed", async () => events.includes("closed b") || undefined, {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    expect(topology.status().draining).toEqual([]);
    await topology.stop();
  });

  it("keeps the nodes when the source fails, and says why", async () => {
    const { state, source } = scripted([{ name: "a", url: url(1), role: "primary" }]);
    const topology = new Topology(source, { pools: POOLS, pollIntervalMs: 60_000, drainTimeoutMs: 1_000 });
    await topology.refresh();
    state.fail = "connection refused";
    await topology.refresh();
    expect(topology.nodes().map((n) => n.name)).toEqual(["a"]);
    expect(topology.status()).toMatchObject({
      kind: "static",
      description: "scripted",
      lastError: "connection refused",
    });
    expect(topology.status().lastDiscoveryAt).not.toBeNull();
    state.fail = undefined;
    await topology.refresh();
    expect(topology.status().lastError).toBeNull();
    await topology.stop();
  });

  it("a switchover reassigns roles in place; the source's primary is the fallback writer", async () => {
    const { state, source } = scripted([
      { name: "a", url: url(1), role: "primary" },
      { name: "b", url: url(2), role: "replica" },
    ]);
    const topology = new Topology(source, { pools: POOLS, pollIntervalMs: 60_000, drainTimeoutMs: 1_000 }, state.nodes);
    const events = recorder(topology);
    const client = topology.entry("b")?.client;
    state.nodes = [
      { name: "a", url: url(1), role: "replica" },
      { name: "b", url: url(2), role: "primary" },
    ];
    await topology.refresh();
    expect(events).toEqual(["reassigned a", "reassigned b"]);
    expect(topology.configuredPrimary()?.node.name).toBe("b");
    expect(topology.entry("b")?.client).toBe(client); // same pool: nothing reconnects
    await topology.stop();
  });

  it("closes a leaving node whose query never ends once the drain times out", async () => {
    const { state, source } = scripted([{ name: "a", url: url(1) }]);
    const topology = new Topology(source, { pools: POOLS, pollIntervalMs: 60_000, drainTimeoutMs: 50 }, state.nodes);
    const events = recorder(topology);
    topology.hold(topology.entry("a") as NonNullable<ReturnType<Topology["entry"]>>);
    state.nodes = [];
    await topology.refresh();
    await waitFor("a closed after the drain timeout", async () => events.includes("closed a") || undefined, {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    await topology.stop();
  });
});
