import { describe, expect, it } from "vitest";
import { isExcusedTimeout, lagStateOf, probedTimeline } from "~/server/db/monitor/monitor-facts";
import { excluded, ROUTABLE } from "~/server/db/monitor/routing-state";

describe("probedTimeline", () => {
  it("a replica without a running WAL receiver keeps its last timeline; a writable node always says", () => {
    expect(probedTimeline({ in_recovery: true, timeline: null }, 3)).toBe(3);
    expect(probedTimeline({ in_recovery: true, timeline: 4 }, 3)).toBe(4);
    expect(probedTimeline({ in_recovery: false, timeline: null }, 3)).toBeNull();
  });
});

describe("isExcusedTimeout", () => {
  const timeout = new Error("Connection terminated due to connection timeout");
  it("excuses a timeout only when this process stalled for over a quarter of the wait", () => {
    expect(isExcusedTimeout(timeout, 1_000, 300)).toBe(true);
    expect(isExcusedTimeout(timeout, 1_000, 200)).toBe(false);
  });
  it("never excuses a refusal, however long the stall", () => {
    expect(isExcusedTimeout(new Error("connect ECONNREFUSED 127.0.0.1:5432"), 1_000, 1_000)).toBe(false);
  });
});

describe("lagStateOf", () => {
  it.each([
    [{ reachable: false, routing: excluded("unreachable", "x") }, "down"],
    [{ reachable: true, replayPaused: true, routing: ROUTABLE }, "paused"],
    [{ reachable: true, routing: ROUTABLE }, "routable"],
    [{ reachable: true, routing: excluded("lagging", "x") }, "lagging"],
    [{ reachable: true, routing: excluded("diverged", "x") }, "excluded"],
  ] as const)("%j → %s", (node, state) => expect(lagStateOf(node)).toBe(state));
});
