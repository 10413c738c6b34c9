import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import {
  firstNonNull,
  hasReplayed,
  PROGRESS_REUSE_MS,
  progressOf,
  type ReplayPosition,
  recentAnswer,
  waitForReplay,
  withDeadline,
} from "~/server/db/monitor/replay-questions";

const TARGET = parseLsn("0/3000000");
const at = (lsn: string, paused = false): ReplayPosition => ({ lsn: parseLsn(lsn), paused });

describe("hasReplayed and progressOf", () => {
  it("a position at or past the target has replayed it; an unknown position has not", () => {
    expect(hasReplayed(at("0/3000000"), TARGET)).toBe(true);
    expect(hasReplayed(at("0/2FFFFFF"), TARGET)).toBe(false);
    expect(hasReplayed({ lsn: undefined, paused: false }, TARGET)).toBe(false);
  });
  it("says replayed, behind (with the pause state) or unreachable", () => {
    expect(progressOf("r1", at("0/4000000"), TARGET)).toEqual({ node: "r1", state: "replayed", replayPaused: false });
    expect(progressOf("r1", at("0/1000000", true), TARGET)).toEqual({
      node: "r1",
      state: "behind",
      replayPaused: true,
    });
    expect(progressOf("r1", undefined, TARGET)).toEqual({ node: "r1", state: "unreachable", replayPaused: false });
  });
});

describe("recentAnswer", () => {
  it("shares an answer up to PROGRESS_REUSE_MS old, not older, and none before the first", () => {
    const position = at("0/1");
    const record = { lastAnswer: { at: 1_000, position } };
    expect(recentAnswer(record, 1_000 + PROGRESS_REUSE_MS)).toBe(position);
    expect(recentAnswer(record, 1_001 + PROGRESS_REUSE_MS)).toBeUndefined();
    expect(recentAnswer({}, 1_000)).toBeUndefined();
  });
});

describe("waitForReplay", () => {
  it("resolves to the first candidate that has replayed the target, asking again until one has", async () => {
    const asks = new Map<string, number>();
    const ask = async (name: string) => {
      const n = (asks.get(name) ?? 0) + 1;
      asks.set(name, n);
      return name === "r2" && n >= 3 ? at("0/3000000") : at("0/1000000");
    };
    expect(await waitForReplay(ask, ["r1", "r2"], TARGET, 5_000)).toBe("r2");
    expect(asks.get("r2")).toBe(3);
  });
  it("a candidate that does not answer holds up nobody", async () => {
    const ask = (name: string) =>
      name === "r1" ? new Promise<ReplayPosition>(() => {}) : Promise.resolve(at("0/3000000"));
    expect(await waitForReplay(ask, ["r1", "r2"], TARGET, 5_000)).toBe("r2");
  });
  it("undefined when every candidate failed, or none caught up by the deadline", async () => {
    expect(await waitForReplay(() => Promise.reject(new Error("down")), ["r1", "r2"], TARGET, 5_000)).toBeUndefined();
    const started = performance.now();
    expect(await waitForReplay(async () => at("0/1"), ["r1"], TARGET, 30)).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(await waitForReplay(async () => at("0/1"), [], TARGET, 30)).toBeUndefined();
  });
});

describe("firstNonNull and withDeadline", () => {
  it("firstNonNull: the first value that is not null, or null when all are", async () => {
    expect(await firstNonNull([Promise.resolve(null), Promise.resolve("b"), new Promise<string>(() => {})])).toBe("b");
    expect(await firstNonNull([Promise.resolve(null), Promise.resolve(null)])).toBeNull();
    expect(await firstNonNull([])).toBeNull();
  });
  it("withDeadline: the answer in time, else a rejection after the deadline", async () => {
    expect(await withDeadline(Promise.resolve(1), 50)).toBe(1);
    await expect(withDeadline(new Promise(() => {}), 10)).rejects.toThrow("no answer within 10 ms");
  });
});
