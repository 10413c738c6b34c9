import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import { chooseWriter, lagOf, type NodeFacts, routingOf, type WriterLine } from "~/server/db/monitor/routing-rules";

const facts = (name: string, over: Partial<NodeFacts> = {}): NodeFacts => ({
  name,
  configuredRole: name === "primary" ? "primary" : "replica",
  reachable: true,
  inRecovery: name !== "primary",
  lsn: parseLsn("0/5000000"),
  timeline: 1,
  replayPaused: false,
  suspect: false,
  ...over,
});
const LIMITS = { maxLagMs: 2000, maxLagBytes: 1024 };
const NO_LAG = { bytes: 0, ms: 0 };
const kindOf = (r: ReturnType<typeof routingOf>) => (r.routable ? "routable" : r.kind);

describe("chooseWriter", () => {
  it("writes go to the one writable node", () => {
    const choice = chooseWriter([facts("primary"), facts("replica1")]);
    expect(choice.writer).toBe("primary");
    expect(Object.fromEntries(choice.roles)).toEqual({ primary: "primary", replica1: "replica" });
  });
  it("with two writable nodes, to the one on the newest timeline; the other is a stale primary", () => {
    const choice = chooseWriter([
      facts("primary", { timeline: 1 }),
      facts("replica1", { inRecovery: false, timeline: 2 }),
    ]);
    expect(choice.writer).toBe("replica1");
    expect(choice.roles.get("primary")).toBe("stale-primary");
    expect(choice.barred.get("primary")).toBe("stale-primary");
  });
  it("two writable nodes on the same newest timeline: no writer, and a sentence why", () => {
    const choice = chooseWriter([facts("primary"), facts("replica1", { inRecovery: false })]);
    expect(choice.writer).toBeUndefined();
    expect(choice.noWriterBecause).toMatch(/primary and replica1 both accept writes on timeline 1/);
    expect([...choice.barred.values()]).toEqual(["conflicting-primary", "conflicting-primary"]);
  });
  it("an unreachable node is never the writer; with none writable, it says why", () => {
    const choice = chooseWriter([facts("primary", { reachable: false }), facts("replica1")]);
    expect(choice.writer).toBeUndefined();
    expect(choice.noWriterBecause).toMatch(/no node is both reachable and out of recovery/);
    expect(choice.roles.get("primary")).toBe("unknown"); // not its last-seen role: it may be fenced or overtaken
  });
});

describe("routingOf", () => {
  const line: WriterLine = {
    name: "primary",
    timeline: 2,
    history: { timeline: 2, forks: [{ timeline: 1, forkLsn: parseLsn("0/4000000") }] },
  };
  const choice = chooseWriter([facts("primary", { timeline: 2 })]);
  const route = (n: NodeFacts, lag = NO_LAG) => kindOf(routingOf(n, choice, line, lag, LIMITS));

  it("a caught-up replica on the writer's history is routable", () => {
    expect(route(facts("replica1", { timeline: 2 }))).toBe("routable");
    expect(route(facts("replica1", { timeline: 1, lsn: parseLsn("0/4000000") }))).toBe("routable");
  });
  it("excludes, each with its kind: unreachable, not probed, the primary, diverged, not shown on the history, suspect, lagging", () => {
    expect(route(facts("replica1", { reachable: false }))).toBe("unreachable");
    expect(route(facts("replica1", { inRecovery: undefined }))).toBe("not-probed");
    expect(route(facts("primary", { timeline: 2 }))).toBe("primary");
    expect(route(facts("replica1", { timeline: 1, lsn: parseLsn("0/4000001") }))).toBe("diverged");
    expect(route(facts("replica1", { timeline: null }))).toBe("timeline-behind");
    expect(route(facts("replica1", { timeline: 2, suspect: true }))).toBe("suspect");
    expect(route(facts("replica1", { timeline: 2 }), { bytes: 0, ms: 2001 })).toBe("lagging");
    expect(route(facts("replica1", { timeline: 2 }), { bytes: 1025, ms: 0 })).toBe("lagging");
  });
  it("a diverged replica's detail says where the writer's timeline forked", () => {
    const r = routingOf(facts("replica1", { timeline: 1, lsn: parseLsn("0/4000010") }), choice, line, NO_LAG, LIMITS);
    expect(r).toMatchObject({
      routable: false,
      kind: "diverged",
      detail: expect.stringMatching(/timeline 2 forked off timeline 1 at 0\/4000000/),
    });
  });
  it("a stale primary and conflicting primaries serve no reads", () => {
    const stale = chooseWriter([
      facts("primary", { timeline: 1 }),
      facts("replica1", { inRecovery: false, timeline: 2 }),
    ]);
    expect(kindOf(routingOf(facts("primary", { timeline: 1 }), stale, line, NO_LAG, LIMITS))).toBe("stale-primary");
    const tied = chooseWriter([facts("primary"), facts("replica1", { inRecovery: false })]);
    expect(kindOf(routingOf(facts("replica1", { inRecovery: false }), tied, undefined, NO_LAG, LIMITS))).toBe(
      "conflicting-primary",
    );
  });
});

describe("lagOf", () => {
  it("bytes behind the writer, and time since the writer was first seen past the replica", () => {
    const writer = facts("primary", { lsn: parseLsn("0/5000100") });
    const samples = [
      { lsn: parseLsn("0/5000000"), at: 1000 },
      { lsn: parseLsn("0/5000080"), at: 1500 },
      { lsn: parseLsn("0/5000100"), at: 1800 },
    ];
    expect(lagOf(facts("replica1", { lsn: parseLsn("0/5000000") }), writer, samples, 2000)).toEqual({
      bytes: 0x100,
      ms: 500,
    });
    expect(lagOf(facts("replica1", { lsn: parseLsn("0/5000100") }), writer, samples, 2000)).toEqual({
      bytes: 0,
      ms: 0,
    });
    expect(lagOf(writer, writer, samples, 2000)).toEqual({ bytes: null, ms: null });
    expect(lagOf(facts("replica1"), undefined, samples, 2000)).toEqual({ bytes: null, ms: null });
  });
});
