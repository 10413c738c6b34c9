import { describe, expect, it } from "vitest";
import { assessDivergence, describeDivergence } from "~/cluster/divergence";
import { historyFileName, lsnValue, parseTimelineHistory } from "~/cluster/timeline-history";

// What PostgreSQL 16 wrote on the second and third promotions of a cluster (tabs, reason text).
const TIMELINE_2 = "1\t0/40262B0\tno recovery target specified\n";
const TIMELINE_3 = "1\t0/40262B0\tno recovery target specified\n\n2\t0/5A000A0\tno recovery target specified\n";

describe("parseTimelineHistory", () => {
  it("reads each ancestor timeline and where the next one forked off it", () => {
    expect(parseTimelineHistory(3, TIMELINE_3)).toEqual({
      timeline: 3,
      forks: [
        { timeline: 1, forkLsn: "0/40262B0", reason: "no recovery target specified" },
        { timeline: 2, forkLsn: "0/5A000A0", reason: "no recovery target specified" },
      ],
    });
  });

  it("skips comments and blank lines, and accepts a line without a reason", () => {
    expect(parseTimelineHistory(2, "# made by hand\n\n  1\t0/3000000\n").forks).toEqual([{ timeline: 1, forkLsn: "0/3000000", reason: "" }]);
  });

  it("refuses a malformed line or timelines out of order, naming the file and line", () => {
    expect(() => parseTimelineHistory(2, "1 nowhere\n")).toThrow(/00000002\.history, line 1: not/);
    expect(() => parseTimelineHistory(3, "2\t0/1\tx\n1\t0/2\tx\n")).toThrow(/line 2: timeline 1 out of order/);
    expect(() => parseTimelineHistory(2, "2\t0/1\tx\n")).toThrow(/timeline 2 out of order/);
  });

  it("names history files as PostgreSQL does, in 8 hex digits", () => {
    expect(historyFileName(2)).toBe("00000002.history");
    expect(historyFileName(26)).toBe("0000001A.history");
  });

  it("compares positions by value, not as text", () => {
    expect(lsnValue("0/A000000") > lsnValue("0/9FFFFFF")).toBe(true);
    expect(lsnValue("1/0") > lsnValue("0/FFFFFFFF")).toBe(true);
    expect(lsnValue("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
  });
});

describe("assessDivergence", () => {
  const history2 = parseTimelineHistory(2, TIMELINE_2);
  const standby = (timeline: number, replayLsn: string) => ({ inRecovery: true as const, timeline, replayLsn });

  it("a replica on the primary's timeline follows", () => {
    expect(assessDivergence(history2, standby(2, "0/9000000"))).toEqual({ kind: "follows", replicaTimeline: 2, primaryTimeline: 2 });
  });

  it("a replica on the old timeline that replayed up to the fork point, or less, can still follow", () => {
    expect(assessDivergence(history2, standby(1, "0/40262B0")).kind).toBe("follows");
    expect(assessDivergence(history2, standby(1, "0/4000000")).kind).toBe("follows");
  });

  it("a replica that replayed past the fork point has diverged, with the positions that prove it", () => {
    const verdict = assessDivergence(history2, standby(1, "0/40262B8"));
    expect(verdict).toEqual({ kind: "diverged", cause: "past-fork", replicaTimeline: 1, primaryTimeline: 2, replayLsn: "0/40262B8", forkLsn: "0/40262B0" });
    expect(describeDivergence(verdict)).toBe(
      "diverged: replayed timeline 1 up to 0/40262B8, past 0/40262B0 where the primary's timeline 2 forked off it, so it can never follow",
    );
  });

  it("compares against the fork of the replica's own timeline, not the newest one", () => {
    const history3 = parseTimelineHistory(3, TIMELINE_3);
    expect(assessDivergence(history3, standby(1, "0/5000000")).kind).toBe("diverged"); // past timeline 1's fork at 0/40262B0
    expect(assessDivergence(history3, standby(2, "0/5000000")).kind).toBe("follows"); // before timeline 2's fork at 0/5A000A0
  });

  it("a replica on a timeline the primary's history does not contain has diverged wherever it stands", () => {
    // Timeline 3 forked straight off 1: timeline 2 is a sibling branch (another promotion's).
    const sibling = parseTimelineHistory(3, "1\t0/40262B0\tno recovery target specified\n");
    expect(assessDivergence(sibling, standby(2, "0/4000000"))).toMatchObject({ kind: "diverged", cause: "off-history", forkLsn: null });
    expect(assessDivergence(history2, standby(3, "0/4000000"))).toMatchObject({ kind: "diverged", cause: "off-history" });
  });

  it("cannot judge a replica it could not ask, nor one that accepts writes", () => {
    expect(assessDivergence(history2, undefined)).toEqual({ kind: "unknown", cause: "unreachable" });
    expect(assessDivergence(history2, { inRecovery: false })).toEqual({ kind: "unknown", cause: "writable" });
  });

  it("on timeline 1 (no history file) every standby on timeline 1 follows", () => {
    expect(assessDivergence(parseTimelineHistory(1, ""), standby(1, "0/9000000")).kind).toBe("follows");
  });
});
