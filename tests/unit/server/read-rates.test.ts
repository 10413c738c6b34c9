import { describe, expect, it } from "vitest";
import { ReadRates } from "~/server/read-rates";

const counts = (replica1: number, replica2: number, errors = 0) => ({
  replica1: { readsServed: replica1, errors },
  replica2: { readsServed: replica2, errors: 0 },
});

describe("ReadRates: where reads go right now, from the counters", () => {
  it("has no rate from one sample, then reads per second between samples at least a second apart", () => {
    const rates = new ReadRates(60_000, 1_000);
    expect(rates.sample(counts(0, 0), 0).nodes).toEqual([
      { node: "replica1", points: [] },
      { node: "replica2", points: [] },
    ]);
    rates.sample(counts(5, 5), 500); // too soon: not a sample
    const window = rates.sample(counts(40, 10, 4), 2_000);
    expect(window.nodes.map((n) => n.points.map((p) => [p.readsPerSecond, p.errorsPerSecond]))).toEqual([
      [[20, 2]],
      [[5, 0]],
    ]);
  });

  it("keeps only the window, and never reports a negative rate when counters start over", () => {
    const rates = new ReadRates(3_000, 1_000);
    let at = 0;
    for (let i = 0; i <= 10; i++, at += 1_000) rates.sample(counts(i * 10, 0), at);
    const replica1 = rates.sample(counts(0, 0), at).nodes[0].points;
    expect(replica1.map((p) => p.at)).toEqual([9_000, 10_000, 11_000]);
    expect(replica1.at(-1)?.readsPerSecond).toBe(0);
  });
});
