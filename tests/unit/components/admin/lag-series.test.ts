import { describe, expect, it } from "vitest";
import {
  chartRows,
  isAheadOfServer,
  type LagHistoryAnswer,
  type LagSample,
  lagSummary,
  mergeLagHistory,
  newestAt,
  replicaFigures,
  stateWords,
  yTicks,
} from "~/components/admin/lag-series";

const WINDOW = 300_000;

function answer(now: number, replicas: Record<string, LagSample[]>): LagHistoryAnswer {
  return {
    windowMs: WINDOW,
    resolutionMs: 1_000,
    now,
    maxLagMs: 2_000,
    replicas: Object.entries(replicas).map(([node, samples]) => ({ node, samples })),
  };
}

const sample = (at: number, lagMs: number | null, state: LagSample["state"] = "routable"): LagSample => ({
  at,
  lagMs,
  lagBytes: lagMs === null ? null : lagMs * 8,
  state,
});

describe("mergeLagHistory", () => {
  it("appends new samples to what the page has, ignores ones it already holds, and asks next for what is newer", () => {
    const first = mergeLagHistory(
      undefined,
      answer(2_000, { replica1: [sample(1_000, 0), sample(2_000, 5)], replica2: [sample(1_000, 0), sample(2_000, 0)] }),
    );
    expect(newestAt(first)).toBe(2_000);
    // An overlapping answer (the 2 s sample again) adds only the 3 s one.
    const next = mergeLagHistory(
      first,
      answer(3_000, { replica1: [sample(2_000, 5), sample(3_000, 9)], replica2: [sample(3_000, 0)] }),
    );
    expect(next.replicas.map((r) => [r.node, r.samples.map((s) => s.at)])).toEqual([
      ["replica1", [1_000, 2_000, 3_000]],
      ["replica2", [1_000, 2_000, 3_000]],
    ]);
    expect(next.now).toBe(3_000);
    expect(newestAt(next)).toBe(3_000);
  });

  it("trims what fell out of the server's window and forgets a replica with nothing left", () => {
    const held = mergeLagHistory(
      undefined,
      answer(10_000, { replica1: [sample(10_000, 1)], replica2: [sample(10_000, 1)] }),
    );
    const later = mergeLagHistory(held, answer(10_000 + WINDOW + 1, { replica1: [sample(10_000 + WINDOW, 2)] }));
    expect(later.replicas).toEqual([{ node: "replica1", samples: [sample(10_000 + WINDOW, 2)] }]);
  });

  it("has no newest sample before the first one", () => {
    expect(newestAt(answer(0, {}))).toBeUndefined();
  });
});

describe("a server clock that went back", () => {
  it("is noticed when the page holds samples newer than the server's now, so the page starts over", () => {
    const held = mergeLagHistory(undefined, answer(60_000, { replica1: [sample(60_000, 0)] }));
    expect(isAheadOfServer(held, answer(61_000, {}))).toBe(false);
    expect(isAheadOfServer(held, answer(30_000, { replica1: [sample(30_000, 0)] }))).toBe(true);
    expect(isAheadOfServer(undefined, answer(30_000, {}))).toBe(false);
  });
});

describe("a replica no longer sampled (promoted, removed)", () => {
  it("keeps its history on the chart but gives no figure for now", () => {
    const series = mergeLagHistory(
      undefined,
      answer(3_000, { replica1: [sample(1_000, 7), sample(2_000, 0)], replica2: [sample(2_000, 0), sample(3_000, 4)] }),
    );
    const [replica1, replica2] = replicaFigures(series, "time");
    expect([replica1.current, replica2.current]).toEqual([false, true]);
    expect(stateWords(replica1)).toBe("no longer sampled (promoted or removed)");
    expect(lagSummary(series, "time")).toBe(
      "Replication lag over the last 5 minutes: replica1 no longer sampled (promoted or removed); replica2 now 4 ms.",
    );
  });
});

describe("chartRows", () => {
  it("makes a row per probe round with a column per replica, null where lag was not measured", () => {
    const series = answer(2_000, {
      replica1: [sample(1_000, 10), sample(2_000, 20)],
      replica2: [sample(1_000, 0), sample(2_000, null, "down")],
    });
    expect(chartRows(series, "time")).toEqual([
      { at: 1_000, replica1: 10, replica2: 0 },
      { at: 2_000, replica1: 20, replica2: null },
    ]);
    expect(chartRows(series, "bytes")[1]).toEqual({ at: 2_000, replica1: 160, replica2: null });
  });
});

describe("lagSummary", () => {
  it("says each replica's lag now, its state when it is not serving reads, and the highest lag when higher", () => {
    const series = answer(3_000, {
      replica1: [sample(1_000, 0), sample(2_000, 3_200, "lagging"), sample(3_000, 2_100, "paused")],
      replica2: [sample(1_000, 0), sample(2_000, 0), sample(3_000, 0)],
    });
    expect(lagSummary(series, "time")).toBe(
      "Replication lag over the last 5 minutes: replica1 now 2.1 s, replay paused (max 3.2 s); replica2 now 0 ms.",
    );
    expect(lagSummary(series, "bytes")).toBe(
      "Replication lag in bytes over the last 5 minutes: replica1 now 16.4 KiB, replay paused (max 25.0 KiB); replica2 now 0 B.",
    );
  });

  it("says a replica is down rather than giving a lag it cannot know", () => {
    const series = answer(2_000, { replica1: [sample(1_000, 40), sample(2_000, null, "down")] });
    expect(lagSummary(series, "time")).toBe("Replication lag over the last 5 minutes: replica1 down (max 40 ms).");
    expect(lagSummary(answer(0, {}), "time")).toBe(
      "Replication lag over the last 5 minutes: no replica has been sampled yet.",
    );
  });
});

describe("yTicks", () => {
  it("steps through round times and powers-of-two byte counts up to at least the highest value", () => {
    expect(yTicks(3_500, "time")).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    expect(yTicks(2_500, "time")).toEqual([0, 1_000, 2_000, 3_000]);
    expect(yTicks(625, "time")).toEqual([0, 200, 400, 600, 800]);
    expect(yTicks(0, "time")).toEqual([0, 1]);
    expect(yTicks(1_024, "bytes")).toEqual([0, 256, 512, 768, 1_024]);
    expect(yTicks(3_000, "bytes")).toEqual([0, 1_024, 2_048, 3_072]);
  });
});
