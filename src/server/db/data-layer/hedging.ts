/**
 * When to send a slow replica read elsewhere too ("hedging", as in Dean & Barroso's "The Tail at
 * Scale"): after the delay within which almost every recent replica read answered. A replica that hangs
 * (SIGSTOP, a full disk, a network black hole) then costs a read about that delay (at most ten times
 * READ_HEDGE_FLOOR_MS), not its query timeout. Hedges are budgeted, so a replica that is merely slow for everyone cannot double the load.
 */
const WINDOW = 256;
/**
 * The delay is twice the recent p95: a read well past what is normal. Not the p99: a few reads that
 * waited for a new connection or a busy pool would set it, and the delay with it, at hundreds of ms.
 */
const P95_FACTOR = 2;
/** The p95 is recomputed after this many new latencies. */
const RESORT_EVERY = 16;
/** …and at most this many times the floor, so that a slow spell cannot make a hung replica cost seconds. */
const CEILING_FACTOR = 10;
/**
 * At most this share of reads may be hedged, plus a burst. A replica that is hedged away from leaves the
 * routing set until its next probe, so one that hangs spends a few hedges, not the budget.
 */
const BUDGET_SHARE = 0.2;
const BUDGET_BURST = 20;

export interface HedgeSettings {
  /** Never hedge sooner than this; 0 turns hedging off. */
  floorMs: number;
}

export class Hedging {
  private readonly latencies: number[] = [];
  private next = 0;
  private sortedCache: number[] | undefined;
  private sinceSort = 0;
  private budget = BUDGET_BURST;

  constructor(private readonly settings: HedgeSettings) {}

  get enabled(): boolean {
    return this.settings.floorMs > 0;
  }

  /** How long a replica read may take before it is hedged. */
  delayMs(): number {
    const sorted = this.sorted();
    const p95 = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
    return Math.min(Math.max(this.settings.floorMs, p95 * P95_FACTOR), this.settings.floorMs * CEILING_FACTOR);
  }

  /** The longest a replica read waits before it is hedged, budget or not. */
  ceilingMs(): number {
    return this.settings.floorMs * CEILING_FACTOR;
  }

  /** A replica read answered in `ms` (hedged ones too: a slow replica must raise the bar, not hide). */
  record(ms: number): void {
    if (this.latencies.length < WINDOW) this.latencies.push(ms);
    else this.latencies[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
    // Re-sorting 256 numbers on every read would cost more than the rest of the routing decision; a p95
    // a few reads old is as good.
    this.sinceSort += 1;
    if (this.sinceSort >= RESORT_EVERY || this.latencies.length < RESORT_EVERY) {
      this.sortedCache = undefined;
      this.sinceSort = 0;
    }
    this.budget = Math.min(BUDGET_BURST, this.budget + BUDGET_SHARE);
  }

  /** Takes one hedge from the budget, or says there is none left. */
  take(): boolean {
    if (this.budget < 1) return false;
    this.budget -= 1;
    return true;
  }

  private sorted(): number[] {
    this.sortedCache ??= [...this.latencies].sort((a, b) => a - b);
    return this.sortedCache;
  }
}
