import { describe, expect, it } from "vitest";
import { secondsAsMs } from "~/replication/format-duration";

describe("secondsAsMs", () => {
  it("reads seconds from PostgreSQL as milliseconds, unknown as a dash", () => {
    expect(secondsAsMs(0.0123)).toBe("12.3 ms");
    expect(secondsAsMs(1.5)).toBe("1500.0 ms");
    expect(secondsAsMs(0)).toBe("0.0 ms");
    expect(secondsAsMs(null)).toBe("-");
    expect(secondsAsMs(undefined)).toBe("-");
  });
});
