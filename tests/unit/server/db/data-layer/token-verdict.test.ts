import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import { parseToken } from "~/server/db/data-layer/consistency-token";
import { judgeToken } from "~/server/db/data-layer/token-verdict";
import type { WriterLine } from "~/server/db/monitor/routing-rules";

const line: WriterLine = {
  name: "replica1",
  timeline: 2,
  lsn: parseLsn("0/5000000"),
  history: { timeline: 2, forks: [{ timeline: 1, forkLsn: parseLsn("0/4000000") }] },
};
const judge = (token: string, l: WriterLine | undefined = line) => judgeToken(parseToken(token), l);

describe("judgeToken", () => {
  it("a write on the writer's timeline, or kept by the failover, is waited for on replicas", () => {
    expect(judge("2:0/4800000")).toEqual({ kind: "replayed-by", lsn: parseLsn("0/4800000"), onWritersTimeline: true });
    expect(judge("1:0/3000000")).toEqual({ kind: "replayed-by", lsn: parseLsn("0/3000000"), onWritersTimeline: false });
  });
  it("a write past its timeline's fork point was lost, and it says so", () => {
    const verdict = judge("1:0/4000100");
    expect(verdict.kind).toBe("lost");
    expect(verdict).toMatchObject({ detail: expect.stringMatching(/your last write was lost in a failover/) });
  });
  it("a token on a newer timeline than the writer's is ahead; one with :primary goes to the primary", () => {
    expect(judge("3:0/1").kind).toBe("ahead");
    expect(judge("2:0/1:primary").kind).toBe("primary-only");
  });
  it("a :primary token from before a failover is lost past the fork, else unverifiable: never passed off as read from the primary", () => {
    expect(judge("1:0/4000100:primary")).toMatchObject({
      kind: "lost",
      detail: expect.stringMatching(/lost in a failover: it was made after 0\/4000100 on timeline 1/),
    });
    expect(judge("1:0/1:primary")).toMatchObject({
      kind: "unverifiable",
      detail: expect.stringMatching(/position never learned.*may have been lost/),
    });
    expect(judge("1:0/1:primary", { ...line, history: undefined }).kind).toBe("unverifiable");
    expect(judgeToken(parseToken("1:0/1:primary"), undefined).kind).toBe("primary-only"); // no writer known yet
  });
  it("a pre-failover write is unverifiable without the history; a token without a timeline compares positions", () => {
    expect(judge("1:0/1", { ...line, history: undefined }).kind).toBe("unverifiable");
    expect(judge("0/4000100").kind).toBe("replayed-by");
    expect(judge("2:0/1", undefined).kind).toBe("replayed-by");
  });
});
