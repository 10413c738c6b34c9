import { describe, expect, it } from "vitest";
import { Hedging } from "~/server/db/data-layer/hedging";

describe("Hedging", () => {
  it("waits twice the recent p95, never less than the floor nor more than ten times it", () => {
    const hedging = new Hedging({ floorMs: 20 });
    expect(hedging.delayMs()).toBe(20);
    for (let i = 0; i < 100; i++) hedging.record(i < 96 ? 5 : 1000); // 4% outliers do not set it
    expect(hedging.delayMs()).toBe(20);
    for (let i = 0; i < 256; i++) hedging.record(30);
    expect(hedging.delayMs()).toBe(60);
    for (let i = 0; i < 256; i++) hedging.record(900);
    expect(hedging.delayMs()).toBe(200);
    expect(hedging.ceilingMs()).toBe(200);
  });
  it("hedges within a budget: a burst, then a share of reads", () => {
    const hedging = new Hedging({ floorMs: 20 });
    let taken = 0;
    while (hedging.take()) taken++;
    expect(taken).toBe(20);
    for (let i = 0; i < 10; i++) hedging.record(1);
    expect(hedging.take()).toBe(true);
    expect(hedging.take()).toBe(false);
  });
  it("is off with a floor of 0", () => {
    expect(new Hedging({ floorMs: 0 }).enabled).toBe(false);
  });
});
