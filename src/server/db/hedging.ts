/**
 * When to send a slow replica read elsewhere too ("hedging", as in Dean & Barroso's "The Tail at
 * Scale"): after the delay within which almost every recent replica read answered. A replica that hangs
 * (SIGSTOP, a full disk, a network black hole) then costs a read about that delay, not its query
 * timeout. Hedges are budgeted, so a replica that is merely slow for everyone cannot double the load.
 */
const WINDOW = 512;
/** The delay is this many times the recent p99: a read well past what is normal. */
const P99_FACTOR = 2;
/** At most this share of reads may be hedged, plus a small burst. */
const BUDGET_SHARE = 0.1;
const BUDGET_BURST = 10;

export interface HedgeSettings {
  /** Never hedge sooner than this; 0 turns hedging off. */
  floorMs: number;
}

export class Hedging {
  private readonly latencies: number[] = [];
  private next = 0;
  private sortedCache: number[] | undefined;
  private budget = BUDGET_BURST;

  constructor(private readonly settings: HedgeSettings) {}

  get enabled(): boolean {
    return this.settings.floorMs > 0;
  }

  /** How long a replica read may take before it is hedged. */
  delayMs(): number {
    const sorted = this.sorted();
    const p99 = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    return Math.max(this.settings.floorMs, p99 * P99_FACTOR);
  }

  /** A replica read answered in `ms` (hedged ones too: a slow replica must raise the bar, not hide). */
  record(ms: number): void {
    if (this.latencies.length < WINDOW) this.latencies.push(ms);
    else this.latencies[this.next] = ms;
    this.next = (this.next + 1) % WINDOW;
    this.sortedCache = undefined;
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
