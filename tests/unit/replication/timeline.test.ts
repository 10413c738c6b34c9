import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import {
  fateOfWrite,
  historyFileName,
  parseTimelineHistory,
  relationToWriter,
  type TimelineHistory,
} from "~/replication/timeline";

// Timeline 3's history: timeline 1 ended at 0/4000000, timeline 2 at 0/5000000.
const HISTORY_3 =
  "1\t0/4000000\tno recovery target specified\n\n# comment\n2\t0/5000000\tno recovery target specified\n";
const history: TimelineHistory = { timeline: 3, forks: parseTimelineHistory(HISTORY_3) };
const writer = { timeline: 3, history };

describe("parseTimelineHistory", () => {
  it("reads each fork, skipping blank lines and comments", () => {
    expect(history.forks).toEqual([
      { timeline: 1, forkLsn: parseLsn("0/4000000") },
      { timeline: 2, forkLsn: parseLsn("0/5000000") },
    ]);
  });
  it("accepts a line without a reason", () => {
    expect(parseTimelineHistory("# made by hand\n\n  1\t0/3000000\n", 2)).toEqual([
      { timeline: 1, forkLsn: parseLsn("0/3000000") },
    ]);
  });
  it("refuses a malformed line or timelines out of order, naming the file and line", () => {
    expect(() => parseTimelineHistory("x\t0/1\treason")).toThrow(/Timeline history, line 1: not/);
    expect(() => parseTimelineHistory("1 nowhere\n", 2)).toThrow(/00000002\.history, line 1: not/);
    expect(() => parseTimelineHistory("2\t0/1\tx\n1\t0/2\tx\n", 3)).toThrow(/line 2: timeline 1 out of order/);
    expect(() => parseTimelineHistory("2\t0/1\tx\n", 2)).toThrow(/timeline 2 out of order/);
  });
  it("names history files as PostgreSQL does, in 8 hex digits", () => {
    expect(historyFileName(2)).toBe("00000002.history");
    expect(historyFileName(26)).toBe("0000001A.history");
  });
});

describe("relationToWriter", () => {
  it("a replica on the writer's timeline follows", () => {
    expect(relationToWriter(writer, { timeline: 3, replayLsn: parseLsn("9/0") })).toBe("follows");
  });
  it("a replica on an earlier timeline, not past where it forked, follows (it will switch)", () => {
    expect(relationToWriter(writer, { timeline: 1, replayLsn: parseLsn("0/4000000") })).toBe("follows");
    expect(relationToWriter(writer, { timeline: 2, replayLsn: parseLsn("0/4FFFFFF") })).toBe("follows");
  });
  it("a replica past the fork point of its timeline diverged", () => {
    expect(relationToWriter(writer, { timeline: 1, replayLsn: parseLsn("0/4000001") })).toBe("diverged");
  });
  it("a timeline missing from the writer's history, or newer than the writer's, diverged", () => {
    expect(
      relationToWriter(
        { timeline: 3, history: { timeline: 3, forks: [] } },
        { timeline: 2, replayLsn: parseLsn("0/1") },
      ),
    ).toBe("diverged");
    expect(relationToWriter(writer, { timeline: 4, replayLsn: parseLsn("0/1") })).toBe("diverged");
  });
  it("without the writer's history or the replica's timeline it cannot tell, except that all is timeline 1", () => {
    expect(relationToWriter({ timeline: 3, history: undefined }, { timeline: 2, replayLsn: parseLsn("0/1") })).toBe(
      "unknown",
    );
    expect(relationToWriter(writer, { timeline: null, replayLsn: parseLsn("0/1") })).toBe("unknown");
    expect(
      relationToWriter(
        { timeline: 1, history: { timeline: 1, forks: [] } },
        { timeline: null, replayLsn: parseLsn("0/1") },
      ),
    ).toBe("follows");
  });
});

describe("fateOfWrite", () => {
  const fate = (timeline: number | null, lsn: string, h: TimelineHistory | undefined = history) =>
    fateOfWrite(h, 3, { timeline, lsn: parseLsn(lsn) });
  it("current on the writer's timeline, kept before its timeline's fork, lost after it", () => {
    expect(fate(3, "9/0")).toBe("current");
    expect(fate(1, "0/4000000")).toBe("kept");
    expect(fate(2, "0/5000000")).toBe("kept");
    expect(fate(1, "0/4000001")).toBe("lost");
    expect(fate(2, "0/5000001")).toBe("lost");
  });
  it("newer than the writer, or unknown without a timeline or a history", () => {
    expect(fate(4, "0/1")).toBe("newer");
    expect(fate(null, "0/1")).toBe("unknown");
    expect(fateOfWrite(undefined, 3, { timeline: 1, lsn: parseLsn("0/1") })).toBe("unknown");
  });
});
