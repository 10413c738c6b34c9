import { describe, expect, it } from "vitest";
import { formatMs, secondsAsMs } from "~/replication/format-duration";

describe("durations", () => {
  it("seconds from PostgreSQL read as milliseconds, unknown as a dash", () => {
    expect(secondsAsMs(0.0123)).toBe("12.3 ms");
    expect(secondsAsMs(0)).toBe("0.0 ms");
    expect(secondsAsMs(null)).toBe("-");
    expect(secondsAsMs(undefined)).toBe("-");
  });
  it("waits read in milliseconds below a second, in seconds above", () => {
    expect(formatMs(839.6)).toBe("840 ms");
    expect(formatMs(999)).toBe("999 ms");
    expect(formatMs(1000)).toBe("1.0 s");
    expect(formatMs(1240)).toBe("1.2 s");
  });
});
