import { describe, expect, it } from "vitest";
import { sparklinePath } from "~/components/admin/sparkline-path";

describe("sparklinePath", () => {
  it("spreads the values across the width, the highest at the top", () => {
    expect(sparklinePath([0, 5, 10], 100, 20)).toBe("M0 20L50 10L100 0");
  });

  it("draws all-zero values along the bottom, not divided by zero", () => {
    expect(sparklinePath([0, 0], 10, 20)).toBe("M0 20L10 20");
  });

  it("leaves a gap for null and starts again after it", () => {
    expect(sparklinePath([1, null, 1], 10, 4)).toBe("M0 0M10 0");
  });

  it("is empty without values", () => {
    expect(sparklinePath([], 10, 4)).toBe("");
  });
});
