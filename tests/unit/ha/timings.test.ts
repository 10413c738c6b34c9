import { describe, expect, it } from "vitest";
import { assertValidTimings, SHORT_TIMINGS } from "~/ha/timings";

describe("Patroni's timings", () => {
  it("accepts the profile's short ones and rejects a ttl a leader could outlive unnoticed", () => {
    expect(assertValidTimings(SHORT_TIMINGS)).toBe(SHORT_TIMINGS);
    expect(() => assertValidTimings({ ttl: 5, loop_wait: 1, retry_timeout: 3 })).toThrow(
      /loop_wait \+ 2 × retry_timeout ≤ ttl/,
    );
  });
});
