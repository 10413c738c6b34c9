import { describe, expect, it } from "vitest";
import {
  LAG_HISTORY_RESOLUTION_MS,
  LAG_HISTORY_WINDOW_MS,
  LagHistory,
  type ReplicaLag,
} from "~/server/db/monitor/lag-history";

/** A history on a clock the test moves by hand. */
function historyAt(start: number) {
  const clock = { now: start };
  const history = new LagHistory({ now: () => clock.now });
  return { clock, history };
}

const healthy = (node: string, lagMs = 0): ReplicaLag => ({ node, lagMs, lagBytes: lagMs * 10, state: "routable" });

describe("LagHistory", () => {
  it("keeps one round per second at most, whatever the probe interval, with shared timestamps", () => {
    const { clock, history } = historyAt(1_000_000);
    for (let i = 0; i < 10; i++) {
      history.record([healthy("replica1", i), healthy("replica2")]);
      clock.now += 250; // four probes a second
    }
    const { replicas } = history.since();
    expect(replicas.map((r) => r.node)).toEqual(["replica1", "replica2"]);
    // Rounds at 0, 1000 and 2000 ms were kept; the ones in between were dropped, not merged.
    expect(replicas[0].samples.map((s) => [s.at - 1_000_000, s.lagMs])).toEqual([
      [0, 0],
      [1000, 4],
      [2000, 8],
    ]);
    expect(replicas[1].samples.map((s) => s.at)).toEqual(replicas[0].samples.map((s) => s.at));
  });

  it("forgets what is older than the window, so memory stays bounded", () => {
    const { clock, history } = historyAt(0);
    const rounds = (2 * LAG_HISTORY_WINDOW_MS) / LAG_HISTORY_RESOLUTION_MS;
    for (let i = 0; i < rounds; i++) {
      clock.now += LAG_HISTORY_RESOLUTION_MS;
      history.record([healthy("replica1", i)]);
    }
    const samples = history.since().replicas[0].samples;
    expect(samples).toHaveLength(LAG_HISTORY_WINDOW_MS / LAG_HISTORY_RESOLUTION_MS);
    expect(Math.min(...samples.map((s) => s.at))).toBeGreaterThan(clock.now - LAG_HISTORY_WINDOW_MS);
    expect(samples.at(-1)?.lagMs).toBe(rounds - 1);
  });

  it("answers only samples newer than `since`, and the server's clock", () => {
    const { clock, history } = historyAt(50_000);
    history.record([healthy("replica1", 1)]);
    clock.now += 1_000;
    history.record([healthy("replica1", 2)]);
    const first = history.since();
    const lastAt = first.replicas[0].samples.at(-1)?.at;
    expect(first).toMatchObject({
      windowMs: LAG_HISTORY_WINDOW_MS,
      resolutionMs: LAG_HISTORY_RESOLUTION_MS,
      now: 51_000,
    });

    expect(history.since(lastAt).replicas[0].samples).toEqual([]);
    clock.now += 1_000;
    history.record([healthy("replica1", 3)]);
    expect(history.since(lastAt).replicas[0].samples).toEqual([
      { at: 52_000, lagMs: 3, lagBytes: 30, state: "routable" },
    ]);
    expect(history.since(0).replicas[0].samples).toHaveLength(3);
  });

  it("keeps an unreachable replica's rounds as gaps, and drops a replica once all its samples are old", () => {
    const { clock, history } = historyAt(0);
    history.record([healthy("replica1"), healthy("replica2")]);
    clock.now += 1_000;
    history.record([healthy("replica1"), { node: "replica2", lagMs: null, lagBytes: null, state: "down" }]);
    expect(history.since().replicas[1].samples.at(-1)).toEqual({
      at: 1_000,
      lagMs: null,
      lagBytes: null,
      state: "down",
    });

    // replica2 is no longer a replica (promoted, or removed from the configuration): it ages out.
    for (let t = 2_000; t <= LAG_HISTORY_WINDOW_MS + 1_000; t += 1_000) {
      clock.now = t;
      history.record([healthy("replica1")]);
    }
    expect(history.since().replicas.map((r) => r.node)).toEqual(["replica1"]);
  });

  it("keeps recording after the clock is set back, dropping the samples now in the future", () => {
    const { clock, history } = historyAt(10_000);
    history.record([healthy("replica1", 1)]);
    clock.now = 11_000;
    history.record([healthy("replica1", 2)]);
    clock.now = 5_000;
    history.record([healthy("replica1", 3)]);
    clock.now = 6_000;
    history.record([healthy("replica1", 4)]);
    // In time order, nothing after the clock's now, and a page asking since the new rounds gets them.
    expect(history.since(0).replicas[0].samples.map((s) => [s.at, s.lagMs])).toEqual([
      [5_000, 3],
      [6_000, 4],
    ]);
    expect(history.since(5_000).replicas[0].samples.map((s) => s.lagMs)).toEqual([4]);
  });
});
