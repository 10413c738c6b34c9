import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BoundedJsonl } from "~/server/db/bounded-jsonl";
import { LAG_HISTORY_WINDOW_MS, LagHistory, type LagRound } from "~/server/db/monitor/lag-history";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tandem-lag-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const store = () => new BoundedJsonl<LagRound>(path.join(dir, "lag-history.jsonl"));
const round = (lagMs: number) => [{ node: "replica1", lagMs, lagBytes: lagMs * 10, state: "routable" as const }];

describe("LagHistory with a store (a restart)", () => {
  it("draws the minutes before a restart: a new history on the same store has the kept rounds", () => {
    const clock = { now: 10_000_000 };
    const before = new LagHistory({ now: () => clock.now, store: store() });
    for (let i = 0; i < 5; i++) {
      before.record(round(i));
      clock.now += 1_000;
    }
    clock.now += 30_000; // the server was down for half a minute
    const after = new LagHistory({ now: () => clock.now, store: store() });
    expect(after.since()).toEqual(before.since());
    expect(after.since().replicas[0].samples.map((s) => s.lagMs)).toEqual([0, 1, 2, 3, 4]);
  });

  it("takes back only what is still inside the window, and nothing from the future (a clock set back)", () => {
    const clock = { now: 10_000_000 };
    const before = new LagHistory({ now: () => clock.now, store: store() });
    before.record(round(1)); // will be out of the window
    clock.now += LAG_HISTORY_WINDOW_MS;
    before.record(round(2)); // still inside
    clock.now += 5_000;
    before.record(round(3)); // "in the future" once the clock goes back
    clock.now -= 2_000;
    const after = new LagHistory({ now: () => clock.now, store: store() });
    expect(after.since().replicas[0].samples.map((s) => s.lagMs)).toEqual([2]);
    // …and it goes on recording after what it took back.
    clock.now += 1_000;
    after.record(round(4));
    expect(after.since().replicas[0].samples.map((s) => s.lagMs)).toEqual([2, 4]);
  });

  it("drops rounds below the resolution before they reach the store", () => {
    const clock = { now: 0 };
    const kept = store();
    const history = new LagHistory({ now: () => clock.now, store: kept });
    for (let i = 0; i < 8; i++) {
      history.record(round(i));
      clock.now += 250;
    }
    expect(kept.readAll().map((r) => r.at)).toEqual([0, 1_000]);
  });
});
