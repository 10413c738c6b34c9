/**
 * Notices when this process's own event loop was blocked. A probe's timeout is a timer: if the loop was
 * stuck (a CPU-heavy request, a long GC), the timer can fire before the node's answer, already in the
 * socket, is read, and a healthy node would be declared unreachable because of us. The monitor asks
 * how long the loop was blocked during a probe before believing its timeout.
 */
const TICK_MS = 20;
/** A tick this much later than due counts as a stall. */
const STALL_MS = 50;
const KEEP_MS = 60_000;

export class LoopStallWatch {
  private stalls: { from: number; to: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

  start(): void {
    if (this.timer) return;
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** For how many milliseconds the loop was blocked between two `performance.now()` readings. */
  stalledMsBetween(from: number, to: number): number {
    this.tick(); // a stall still going on is seen by the time this runs
    return this.stalls.reduce((sum, s) => sum + Math.max(0, Math.min(s.to, to) - Math.max(s.from, from)), 0);
  }

  private tick(): void {
    const now = performance.now();
    if (now - this.last > TICK_MS + STALL_MS) this.stalls.push({ from: this.last, to: now });
    this.last = now;
    if (this.stalls.length > 0 && now - this.stalls[0].to > KEEP_MS)
      this.stalls = this.stalls.filter((s) => now - s.to <= KEEP_MS);
  }
}
