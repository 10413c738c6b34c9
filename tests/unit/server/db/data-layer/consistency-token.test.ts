import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import { formatToken, isNewer, isToken, parseToken } from "~/server/db/data-layer/consistency-token";
import { newerToken } from "~/trpc/consistency-token";

describe("consistency tokens", () => {
  it("name a timeline and a position, and round-trip", () => {
    expect(parseToken("2:0/3000148")).toEqual({ timeline: 2, lsn: parseLsn("0/3000148"), primaryOnly: false });
    expect(formatToken(parseToken("2:0/3000148"))).toBe("2:0/3000148");
    expect(formatToken(parseToken("2:0/3000148:primary"))).toBe("2:0/3000148:primary");
  });
  it("still read the bare position of older tokens, as timeline unknown", () => {
    expect(parseToken("16/B374D848")).toEqual({ timeline: null, lsn: parseLsn("16/B374D848"), primaryOnly: false });
  });
  it("refuse anything else", () => {
    for (const bad of [
      "",
      "not-a-token",
      "0/",
      "1/2/3",
      "0:0/1",
      "4294967296:0/1",
      "2:0/1:replica",
      "2:0/3000148; DROP TABLE users",
    ])
      expect(isToken(bad), bad).toBe(false);
    expect(() => parseToken("nope")).toThrow(/Not a consistency token/);
  });
  it("order by timeline first, then position; by position alone when a timeline is missing", () => {
    expect(isNewer(parseToken("2:0/1"), parseToken("1:FF/0"))).toBe(true);
    expect(isNewer(parseToken("1:0/2"), parseToken("1:0/1"))).toBe(true);
    expect(isNewer(parseToken("0/2"), parseToken("3:0/1"))).toBe(true);
    expect(isNewer(parseToken("1:0/1"), parseToken("1:0/1"))).toBe(false);
  });
  it("the client keeps the newer of two, and replaces a damaged one", () => {
    expect(newerToken("1:0/10", "1:0/9")).toBe("1:0/10");
    expect(newerToken("1:FF/0", "2:0/1")).toBe("2:0/1");
    expect(newerToken("garbage", "1:0/1")).toBe("1:0/1");
  });
});
