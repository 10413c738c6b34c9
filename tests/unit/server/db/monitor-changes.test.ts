import { describe, expect, it } from "vitest";
import { describeChanges } from "~/server/db/monitor-changes";
import type { NodeHealth } from "~/server/db/replication-monitor";
import { ROUTABLE, type Routing, excluded } from "~/server/db/routing-state";

function health(name: string, reachable: boolean, routing: Routing = ROUTABLE, error?: string): NodeHealth {
  return { name, configuredRole: "replica", endpoint: `h:${name}`, reachable, role: "replica", timeline: 1, lagBytes: 0, lagMs: 0, routing, error };
}
const steady = { writerBefore: "p", writerNow: { name: "p", timeline: 1 }, firstRound: false };

describe("describeChanges", () => {
  it("tells a node lost once and back once", () => {
    expect(describeChanges([health("r1", true)], [health("r1", false, excluded("unreachable", "unreachable"), "ECONNREFUSED")], steady)).toEqual([
      "r1 (h:r1) is unreachable: ECONNREFUSED",
    ]);
    const down = health("r1", false, excluded("unreachable", "unreachable"));
    expect(describeChanges([down], [down], steady)).toEqual([]);
    expect(describeChanges([down], [health("r1", true)], steady)).toEqual(["r1 (h:r1) is reachable again"]);
  });

  it("judges a node that just joined as on a first round: unreachable is told, reachable is not 'again'", () => {
    expect(describeChanges([], [health("r3", true)], steady)).toEqual([]);
    expect(describeChanges([], [health("r3", false, excluded("unreachable", "u"))], steady)).toEqual(["r3 (h:r3) is unreachable: no answer"]);
  });

  it("tells a newly diverged node, and the writer changing or going", () => {
    const diverged = health("r1", true, excluded("diverged", "diverged from the primary's history"));
    expect(describeChanges([health("r1", true)], [diverged], steady)).toEqual(["r1 (h:r1): diverged from the primary's history"]);
    expect(describeChanges([], [], { writerBefore: "p", writerNow: { name: "r1", timeline: 2 }, firstRound: false })).toEqual(["writes go to r1 (timeline 2)"]);
    expect(describeChanges([], [], { writerBefore: "p", writerNow: { noWriterBecause: "no node is writable" }, firstRound: false })).toEqual([
      "no node accepts writes: no node is writable",
    ]);
  });
});
