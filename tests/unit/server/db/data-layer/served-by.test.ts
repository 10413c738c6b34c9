import { describe, expect, it } from "vitest";
import { DETAIL, exclusions, reasonOf, servedBy } from "~/server/db/data-layer/served-by";
import type { NodeHealth } from "~/server/db/monitor/replication-monitor";
import { excluded, ROUTABLE } from "~/server/db/monitor/routing-state";

const health = (name: string, routing: NodeHealth["routing"]): NodeHealth => ({
  name,
  configuredRole: "replica",
  endpoint: `${name}:5432`,
  reachable: true,
  role: "replica",
  timeline: 1,
  lagBytes: 0,
  lagMs: 0,
  routing,
});

describe("servedBy", () => {
  it("a node that is not a replica now is told as the primary, and nothing is hedged yet", () => {
    const node = { name: "replica1", endpoint: "h:5433" };
    expect(servedBy(node, "replica", "replica", "d")).toEqual({
      node: "replica1",
      endpoint: "h:5433",
      role: "replica",
      reason: "replica",
      detail: "d",
      waitedMs: 0,
      hedged: false,
    });
    expect(servedBy(node, "stale-primary", "fallback", "d", 3).role).toBe("primary");
    expect(servedBy(node, "unknown", "fallback", "d", 3)).toMatchObject({ role: "primary", waitedMs: 3 });
  });
});

describe("reasonOf", () => {
  it("names each verdict that sends a read to the primary", () => {
    expect(reasonOf({ kind: "primary-only", detail: "" })).toBe("primary-only-token");
    expect(reasonOf({ kind: "lost", detail: "" })).toBe("write-lost");
    expect(reasonOf({ kind: "ahead", detail: "" })).toBe("token-ahead");
    expect(reasonOf({ kind: "unverifiable", detail: "" })).toBe("write-unverifiable");
  });
});

describe("exclusions", () => {
  it("lists each node out of routing with why, leaving out the routable ones and the writer", () => {
    const nodes = [
      health("primary", excluded("primary", "it is the writer")),
      health("replica1", excluded("lagging", "3 s behind")),
      health("replica2", ROUTABLE),
      health("replica3", excluded("unreachable", "connection refused")),
    ];
    expect(exclusions(nodes)).toBe("replica1 3 s behind, replica3 connection refused");
    expect(exclusions([health("primary", excluded("primary", "it is the writer"))])).toBe("none configured");
  });
});

describe("DETAIL", () => {
  it("says what the reads and writes did, with the token as sent", () => {
    expect(DETAIL.waited(12.345, "1:0/3000148")).toBe(
      "waited 12.3 ms for the replica to replay your last write (1:0/3000148)",
    );
    expect(DETAIL.notReplayed("1:0/3000148", 500)).toBe(
      "no replica replayed your last write (1:0/3000148) within 500 ms",
    );
    expect(DETAIL.hedged("replica1", 20.4, "replica2", "healthy replica, round robin")).toBe(
      "replica1 had not answered within 20 ms; replica2 answered first (healthy replica, round robin)",
    );
    expect(DETAIL.retried("replica1", "was cancelled by a conflict with recovery", "replica2")).toBe(
      "replica1 was cancelled by a conflict with recovery; retried on replica2",
    );
    expect(DETAIL.written(false)).toBe("writes go to the primary");
    expect(DETAIL.written(true)).toMatch(/position could not be read after the commit/);
  });
});
