import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatRate, secondsAsMs } from "~/format/units";

describe("formatDuration: one unit style for every duration shown", () => {
  it.each([
    [0, "0 ms"],
    [4.4, "4 ms"],
    [999, "999 ms"],
    [1000, "1.0 s"],
    [25_355, "25.3 s"],
    [59_999, "59.9 s"],
    [60_000, "1 min 0 s"],
    [754_000, "12 min 34 s"],
    [3_600_000, "1 h 0 min"],
    [null, "—"],
    [undefined, "—"],
    [Number.NaN, "—"],
  ])("%s ms is %s", (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});

describe("formatBytes and formatRate", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1536, "1.5 KiB"],
    [16 * 1024 * 1024, "16.0 MiB"],
    [3 * 1024 ** 3, "3.0 GiB"],
    [null, "—"],
  ])("%s bytes is %s", (bytes, words) => {
    expect(formatBytes(bytes)).toBe(words);
  });

  it.each([
    [0, "0 /s"],
    [0.25, "0.3 /s"],
    [9.94, "9.9 /s"],
    [12.4, "12 /s"],
    [null, "—"],
  ])("%s per second is %s", (rate, words) => {
    expect(formatRate(rate)).toBe(words);
  });
});

describe("secondsAsMs", () => {
  it("reads seconds from PostgreSQL as milliseconds, unknown as a dash", () => {
    expect(secondsAsMs(0.0123)).toBe("12.3 ms");
    expect(secondsAsMs(1.5)).toBe("1500.0 ms");
    expect(secondsAsMs(0)).toBe("0.0 ms");
    expect(secondsAsMs(null)).toBe("-");
    expect(secondsAsMs(undefined)).toBe("-");
  });
});
