import { describe, expect, it } from "vitest";
import { describeChanges } from "~/server/db/monitor/monitor-changes";

const lines = (...args: Parameters<typeof describeChanges>) => describeChanges(...args).map((c) => c.line);

import type { NodeHealth } from "~/server/db/monitor/replication-monitor";
import { excluded, ROUTABLE, type Routing } from "~/server/db/monitor/routing-state";

function health(name: string, reachable: boolean, routing: Routing = ROUTABLE, error?: string): NodeHealth {
  return {
    name,
    configuredRole: "replica",
    endpoint: `h:${name}`,
    reachable,
    role: "replica",
    timeline: 1,
    lagBytes: 0,
    lagMs: 0,
    routing,
    error,
  };
}
const steady = { writerBefore: "p", writerNow: { name: "p", timeline: 1 }, firstRound: false };

describe("describeChanges", () => {
  it("tells a node lost once and back once", () => {
    expect(
      lines(
        [health("r1", true)],
        [health("r1", false, excluded("unreachable", "unreachable"), "ECONNREFUSED")],
        steady,
      ),
    ).toEqual(["r1 (h:r1) is unreachable: ECONNREFUSED"]);
    const down = health("r1", false, excluded("unreachable", "unreachable"));
    expect(lines([down], [down], steady)).toEqual([]);
    expect(lines([down], [health("r1", true)], steady)).toEqual(["r1 (h:r1) is reachable again"]);
  });

  it("judges a node that just joined as on a first round: unreachable is told, reachable is not 'again'", () => {
    expect(lines([], [health("r3", true)], steady)).toEqual([]);
    expect(lines([], [health("r3", false, excluded("unreachable", "u"))], steady)).toEqual([
      "r3 (h:r3) is unreachable: no answer",
    ]);
  });

  it("tells a newly diverged node, and the writer changing or going", () => {
    const diverged = health("r1", true, excluded("diverged", "diverged from the primary's history"));
    expect(lines([health("r1", true)], [diverged], steady)).toEqual(["r1 (h:r1): diverged from the primary's history"]);
    expect(lines([], [], { writerBefore: "p", writerNow: { name: "r1", timeline: 2 }, firstRound: false })).toEqual([
      "writes go to r1 (timeline 2)",
    ]);
    expect(
      lines([], [], { writerBefore: "p", writerNow: { noWriterBecause: "no node is writable" }, firstRound: false }),
    ).toEqual(["no node accepts writes: no node is writable"]);
  });

  it("says each change as data too: the kind, the node and plain details", () => {
    const lost = describeChanges(
      [health("r1", true)],
      [health("r1", false, excluded("unreachable", "u"), "ECONNREFUSED")],
      steady,
    );
    expect(lost.map((c) => c.event)).toEqual([
      { kind: "node-lost", node: "r1", details: { endpoint: "h:r1", error: "ECONNREFUSED" } },
    ]);
    const moved = describeChanges([], [], {
      writerBefore: "p",
      writerNow: { name: "r1", timeline: 2 },
      firstRound: false,
    });
    expect(moved.map((c) => c.event)).toEqual([
      { kind: "writer-moved", node: "r1", details: { from: "p", timeline: 2 } },
    ]);
    const none = describeChanges([], [], {
      writerBefore: "p",
      writerNow: { noWriterBecause: "none" },
      firstRound: false,
    });
    expect(none.map((c) => c.event)).toEqual([
      { kind: "no-writer", node: null, details: { from: "p", reason: "none" } },
    ]);
  });
});
