/**
 * In-process variants measured fairly on a shared machine: each is warmed up (JIT, pools, Prisma's
 * query plan cache), then rounds run every variant once in turn, the order rotating each round, so a
 * burst of load from elsewhere lands on all of them instead of on whichever ran last. A variant's
 * throughput is the median of its rounds; its latencies are all of its samples.
 */
import { median, type Summary, summarize } from "./stats";

export interface Variant {
  name: string;
  /** One operation; `i` counts operations across the whole run (unique emails, rotating ids). */
  run: (i: number) => Promise<unknown>;
}

export interface InterleaveOptions {
  rounds: number;
  opsPerRound: number;
  concurrency: number;
  warmupOps: number;
}

export interface VariantResult {
  name: string;
  opsPerSecond: number;
  latency: Summary;
}

export async function interleaved(variants: Variant[], options: InterleaveOptions): Promise<VariantResult[]> {
  let counter = 0;
  const batch = async (variant: Variant, ops: number, samples?: number[]): Promise<number> => {
    let left = ops;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, ops) }, async () => {
        while (left-- > 0) {
          const t = performance.now();
          await variant.run(counter++);
          samples?.push(performance.now() - t);
        }
      }),
    );
    return ops / ((performance.now() - started) / 1000);
  };
  for (const variant of variants) await batch(variant, options.warmupOps);
  const rates = variants.map(() => [] as number[]);
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length;
      rates[index].push(await batch(variants[index], options.opsPerRound, samples[index]));
    }
  }
  return variants.map((variant, i) => ({
    name: variant.name,
    opsPerSecond: median(rates[i]),
    latency: summarize(samples[i]),
  }));
}
