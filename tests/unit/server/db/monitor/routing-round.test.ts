import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import { type NodeRecord, newNodeRecord } from "~/server/db/monitor/node-record";
import { routeRound } from "~/server/db/monitor/routing-round";

const LIMITS = { maxLagMs: 2000, maxLagBytes: 1024 * 1024 };
const NOW = 1_000_000;
const probed = (name: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  ...newNodeRecord({
    name,
    configuredRole: name === "primary" ? "primary" : "replica",
    url: `postgresql://h/${name}`,
    endpoint: `h:${name}`,
  }),
  reachable: true,
  inRecovery: name !== "primary",
  lsn: parseLsn("0/5000000"),
  timeline: 1,
  replayPaused: false,
  ...over,
});
const noHistory = () => undefined;
const fresh = { line: undefined, samples: [] };

describe("routeRound", () => {
  it("chooses the writer, sets each record's role, lag and routing, and lists the routable replicas", () => {
    const records = [probed("primary"), probed("replica1"), probed("replica2", { reachable: false })];
    const round = routeRound(records, fresh, noHistory, LIMITS, NOW);
    expect(round.choice.writer).toBe("primary");
    expect(records.map((r) => r.role)).toEqual(["primary", "replica", "unknown"]); // one that does not answer: nobody knows
    expect(records[1].lag).toEqual({ bytes: 0, ms: 0 });
    expect(round.routable.map((r) => r.name)).toEqual(["replica1"]);
    expect(records[2].routing).toMatchObject({ routable: false, kind: "unreachable" });
  });

  it("gives the writer's line the history known for its timeline; timeline 1 needs none", () => {
    const history = { timeline: 2, forks: [{ timeline: 1, forkLsn: parseLsn("0/4000000") }] };
    const asked: string[] = [];
    const historyOf = (name: string, timeline: number) => {
      asked.push(`${name}@${timeline}`);
      return history;
    };
    const round = routeRound([probed("primary", { timeline: 2 })], fresh, historyOf, LIMITS, NOW);
    expect(asked).toEqual(["primary@2"]);
    expect(round.line).toEqual({ name: "primary", lsn: parseLsn("0/5000000"), timeline: 2, history });
  });

  it("keeps the last line and samples while no writer answers", () => {
    const last = {
      line: { name: "primary", lsn: parseLsn("0/1"), timeline: 1, history: { timeline: 1, forks: [] } },
      samples: [{ lsn: parseLsn("0/1"), at: NOW - 10 }],
    };
    const round = routeRound(
      [probed("primary", { reachable: false }), probed("replica1")],
      last,
      noHistory,
      LIMITS,
      NOW,
    );
    expect(round.choice.writer).toBeUndefined();
    expect(round.line).toBe(last.line);
    expect(round.samples).toBe(last.samples);
  });

  it("adds a writer sample when the writer's position moved", () => {
    const round = routeRound(
      [probed("primary", { lsn: parseLsn("0/6000000") })],
      { line: undefined, samples: [{ lsn: parseLsn("0/5000000"), at: NOW - 500 }] },
      noHistory,
      LIMITS,
      NOW,
    );
    expect(round.samples.map((s) => s.at)).toEqual([NOW - 500, NOW]);
  });

  it("a record with a hedged read is suspect, and out of routing", () => {
    const records = [probed("primary"), probed("replica1", { suspectSince: 5 })];
    const round = routeRound(records, fresh, noHistory, LIMITS, NOW);
    expect(records[1].suspect).toBe(true);
    expect(round.routable).toEqual([]);
  });
});
