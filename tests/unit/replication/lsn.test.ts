import { describe, expect, it } from "vitest";
import { bytesBetween, formatLsn, isLsn, parseLsn } from "~/replication/lsn";

describe("WAL positions", () => {
  it("parse as 64-bit offsets and format back", () => {
    expect(parseLsn("16/B374D848")).toBe(0x16b374d848n);
    expect(formatLsn(0x16b374d848n)).toBe("16/B374D848");
    expect(parseLsn(" 0/0 ")).toBe(0n);
    expect(formatLsn(parseLsn("FFFFFFFF/FFFFFFFF"))).toBe("FFFFFFFF/FFFFFFFF");
  });
  it("refuse what is not one", () => {
    for (const bad of ["", "0", "0/", "/0", "G/0", "123456789/0", "0/0/0"]) expect(isLsn(bad), bad).toBe(false);
    expect(() => parseLsn("x")).toThrow(/Not a WAL position/);
  });
  it("measure bytes between, never negative", () => {
    expect(bytesBetween(parseLsn("1/0"), parseLsn("0/FFFFFFFF"))).toBe(1);
    expect(bytesBetween(parseLsn("0/1"), parseLsn("0/2"))).toBe(0);
  });
});
