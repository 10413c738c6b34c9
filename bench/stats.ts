/** Percentiles and a fixed-width report line: what every benchmark section prints. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

export function line(label: string, s: Summary, unit = "ms"): string {
  return `${label.padEnd(52)} n=${String(s.n).padStart(5)}  p50 ${s.p50.toFixed(2).padStart(8)} ${unit}  p99 ${s.p99.toFixed(2).padStart(8)} ${unit}`;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** "×0.93": how `a` compares with `b` (above 1: a is higher). */
export function ratio(a: number, b: number): string {
  return `×${(a / b).toFixed(2)}`;
}
