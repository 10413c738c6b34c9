/**
 * Where reads go right now: the data layer's per-node counters (the ones /api/metrics exports as
 * tandem_reads_total and tandem_db_errors_total) turned into rates. Counters are sampled when asked
 * (the admin page asks every second), at most once per `resolutionMs`, and the rates over the last
 * `windowMs` are kept for the page's sparklines and its reads-per-node chart. In memory only: a rate
 * from before a restart says nothing about where reads go now.
 */
export const READ_RATES_WINDOW_MS = 5 * 60_000;
export const READ_RATES_RESOLUTION_MS = 1_000;

export interface NodeCounts {
  readsServed: number;
  errors: number;
}

export interface RatePoint {
  at: number;
  readsPerSecond: number;
  errorsPerSecond: number;
}

export interface ReadRatesWindow {
  now: number;
  windowMs: number;
  /** Per node, in the counters' order, its rates oldest first (none until two samples are a second apart). */
  nodes: { node: string; points: RatePoint[] }[];
}

export class ReadRates {
  private last: { at: number; counts: Record<string, NodeCounts> } | undefined;
  private readonly points = new Map<string, RatePoint[]>();

  constructor(
    private readonly windowMs = READ_RATES_WINDOW_MS,
    private readonly resolutionMs = READ_RATES_RESOLUTION_MS,
  ) {}

  /** Takes a sample of the counters at `at` and returns the window. */
  sample(counts: Record<string, NodeCounts>, at: number): ReadRatesWindow {
    const last = this.last;
    if (!last || at < last.at) this.last = { at, counts: structuredClone(counts) };
    else if (at - last.at >= this.resolutionMs) {
      const seconds = (at - last.at) / 1000;
      for (const [node, now] of Object.entries(counts)) {
        const was = last.counts[node] ?? { readsServed: 0, errors: 0 };
        const list = this.points.get(node) ?? [];
        // A counter never goes back; if it did (a new data layer), the rate is unknown, not negative.
        list.push({
          at,
          readsPerSecond: Math.max(0, now.readsServed - was.readsServed) / seconds,
          errorsPerSecond: Math.max(0, now.errors - was.errors) / seconds,
        });
        this.points.set(node, list);
      }
      this.last = { at, counts: structuredClone(counts) };
    }
    for (const [node, list] of this.points) {
      const kept = list.filter((p) => p.at > at - this.windowMs && p.at <= at); // a clock set back drops the "future"
      if (kept.length > 0) this.points.set(node, kept);
      else this.points.delete(node);
    }
    return {
      now: at,
      windowMs: this.windowMs,
      nodes: Object.keys(counts).map((node) => ({ node, points: this.points.get(node) ?? [] })),
    };
  }
}

const perDataLayer = new WeakMap<object, ReadRates>();

/** One sampler per data layer (the app has one; each test's own is separate). */
export function readRatesOf(dataLayer: object): ReadRates {
  let rates = perDataLayer.get(dataLayer);
  if (!rates) {
    rates = new ReadRates();
    perDataLayer.set(dataLayer, rates);
  }
  return rates;
}
