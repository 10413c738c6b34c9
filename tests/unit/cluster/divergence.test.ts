import { describe, expect, it } from "vitest";
import { assessDivergence, describeDivergence } from "~/cluster/divergence";
import { parseTimelineHistory, type TimelineHistory } from "~/replication/timeline";

const historyOf = (timeline: number, text: string): TimelineHistory => ({
  timeline,
  forks: parseTimelineHistory(text, timeline),
});

// What PostgreSQL 16 wrote on the second and third promotions of a cluster (tabs, reason text).
const TIMELINE_2 = "1\t0/40262B0\tno recovery target specified\n";
const TIMELINE_3 = "1\t0/40262B0\tno recovery target specified\n\n2\t0/5A000A0\tno recovery target specified\n";

describe("assessDivergence", () => {
  const history2 = historyOf(2, TIMELINE_2);
  const standby = (timeline: number, replayLsn: string) => ({ inRecovery: true as const, timeline, replayLsn });

  it("a replica on the primary's timeline follows", () => {
    expect(assessDivergence(history2, standby(2, "0/9000000"))).toEqual({
      kind: "follows",
      replicaTimeline: 2,
      primaryTimeline: 2,
    });
  });

  it("a replica on the old timeline that replayed up to the fork point, or less, can still follow", () => {
    expect(assessDivergence(history2, standby(1, "0/40262B0")).kind).toBe("follows");
    expect(assessDivergence(history2, standby(1, "0/4000000")).kind).toBe("follows");
  });

  it("a replica that replayed past the fork point has diverged, with the positions that prove it", () => {
    const verdict = assessDivergence(history2, standby(1, "0/40262B8"));
    expect(verdict).toEqual({
      kind: "diverged",
      cause: "past-fork",
      replicaTimeline: 1,
      primaryTimeline: 2,
      replayLsn: "0/40262B8",
      forkLsn: "0/40262B0",
    });
    expect(describeDivergence(verdict)).toBe(
      "diverged: replayed timeline 1 up to 0/40262B8, past 0/40262B0 where the primary's timeline 2 forked off it, so it can never follow",
    );
  });

  it("compares against the fork of the replica's own timeline, not the newest one", () => {
    const history3 = historyOf(3, TIMELINE_3);
    expect(assessDivergence(history3, standby(1, "0/5000000")).kind).toBe("diverged"); // past timeline 1's fork at 0/40262B0
    expect(assessDivergence(history3, standby(2, "0/5000000")).kind).toBe("follows"); // before timeline 2's fork at 0/5A000A0
  });

  it("a replica on a timeline the primary's history does not contain has diverged wherever it stands", () => {
    // Timeline 3 forked straight off 1: timeline 2 is a sibling branch (another promotion's).
    const sibling = historyOf(3, "1\t0/40262B0\tno recovery target specified\n");
    expect(assessDivergence(sibling, standby(2, "0/4000000"))).toMatchObject({
      kind: "diverged",
      cause: "off-history",
      forkLsn: null,
    });
    expect(assessDivergence(history2, standby(3, "0/4000000"))).toMatchObject({
      kind: "diverged",
      cause: "off-history",
    });
  });

  it("cannot judge a replica it could not ask, nor one that accepts writes", () => {
    expect(assessDivergence(history2, undefined)).toEqual({ kind: "unknown", cause: "unreachable" });
    expect(assessDivergence(history2, { inRecovery: false })).toEqual({ kind: "unknown", cause: "writable" });
  });

  it("on timeline 1 (no history file) every standby on timeline 1 follows", () => {
    expect(assessDivergence(historyOf(1, ""), standby(1, "0/9000000")).kind).toBe("follows");
  });
});
