/**
 * The last few minutes of each replica's lag, kept in memory so the admin page can draw a lag-over-time
 * chart the moment it opens instead of starting from an empty one. The ReplicationMonitor records one
 * round per probe; this keeps at most one round per `resolutionMs` and nothing older than `windowMs`, so
 * memory is bounded (window / resolution samples per replica) whatever REPLICA_PROBE_INTERVAL_MS is.
 *
 * Samples are never changed once kept, so a client that has every sample up to time T can ask for the
 * ones after T and append them: `since` is exact.
 *
 * With a `store` (the app's is a bounded JSONL file under the data root, ~/server/db/ops-records.ts)
 * each kept round is appended to it and the rounds still inside the window are read back on start, so
 * a restarted server draws the minutes before its restart too.
 */

/** How far back the admin chart looks. */
export const LAG_HISTORY_WINDOW_MS = 5 * 60_000;

/** At most one sample per replica per this interval: one a second is plenty for a minutes-long chart. */
export const LAG_HISTORY_RESOLUTION_MS = 1_000;

/** What routing made of the replica at that moment, in the words of the admin page's node cards. */
export type LagState = "routable" | "paused" | "lagging" | "excluded" | "down";

export interface LagSample {
  /** When the probe round ended, epoch milliseconds (server clock). */
  at: number;
  /** Null when the lag could not be measured (replica down, or no writer to compare with): a gap. */
  lagMs: number | null;
  lagBytes: number | null;
  state: LagState;
}

export interface ReplicaLag {
  node: string;
  lagMs: number | null;
  lagBytes: number | null;
  state: LagState;
}

export interface LagHistoryWindow {
  windowMs: number;
  resolutionMs: number;
  /** The server's clock when it answered: the right end of the chart, whatever the browser's clock says. */
  now: number;
  /** Per replica, in the order first seen, its samples newer than `since`, oldest first. */
  replicas: { node: string; samples: LagSample[] }[];
}

/** One kept probe round, as a store keeps it. */
export interface LagRound {
  at: number;
  replicas: ReplicaLag[];
}

/** Where kept rounds also go, and come back from after a restart (oldest first). */
export interface LagRoundStore {
  readAll(): LagRound[];
  append(round: LagRound): void;
}

export interface LagHistoryOptions {
  windowMs?: number;
  resolutionMs?: number;
  /** Injectable for tests. */
  now?: () => number;
  store?: LagRoundStore;
}

export class LagHistory {
  readonly windowMs: number;
  readonly resolutionMs: number;
  private readonly now: () => number;
  private readonly samples = new Map<string, LagSample[]>();
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  private readonly store: LagRoundStore | undefined;

  constructor({
    windowMs = LAG_HISTORY_WINDOW_MS,
    resolutionMs = LAG_HISTORY_RESOLUTION_MS,
    now = Date.now,
    store,
  }: LagHistoryOptions = {}) {
    this.windowMs = windowMs;
    this.resolutionMs = resolutionMs;
    this.now = now;
    this.store = store;
    const at = now();
    // Only rounds in time order and not in the future are taken back (a clock set back meanwhile, as in record()).
    for (const round of store?.readAll() ?? []) {
      if (isRound(round) && round.at > this.lastRoundAt && round.at <= at) this.keep(round);
    }
    this.trim(at);
  }

  /**
   * One probe round: every replica's lag at the same instant, so the chart's series share timestamps.
   * A round within `resolutionMs` of the last kept one is dropped whole (not merged into it), which
   * keeps kept samples immutable for `since`.
   */
  record(replicas: ReplicaLag[]): void {
    const at = this.now();
    // A clock set back is not a reason to stop recording until it catches up again. The samples now "in
    // the future" go: each list stays in time order, and a page that holds them starts over.
    if (at < this.lastRoundAt) this.dropAfter(at);
    else if (at - this.lastRoundAt < this.resolutionMs) return;
    this.keep({ at, replicas });
    this.store?.append({ at, replicas });
    this.trim(at);
  }

  private keep({ at, replicas }: LagRound): void {
    this.lastRoundAt = at;
    for (const { node, ...lag } of replicas) {
      const list = this.samples.get(node) ?? [];
      list.push({ at, ...lag });
      this.samples.set(node, list);
    }
  }

  /** Samples newer than `since` (all of the window without it). */
  since(since?: number): LagHistoryWindow {
    const now = this.now();
    this.trim(now);
    const after = Math.max(since ?? Number.NEGATIVE_INFINITY, now - this.windowMs);
    return {
      windowMs: this.windowMs,
      resolutionMs: this.resolutionMs,
      now,
      replicas: [...this.samples].map(([node, list]) => ({ node, samples: list.filter((s) => s.at > after) })),
    };
  }

  private dropAfter(at: number): void {
    for (const [node, list] of this.samples) {
      const kept = list.filter((s) => s.at <= at);
      if (kept.length > 0) this.samples.set(node, kept);
      else this.samples.delete(node);
    }
  }

  /** Drops what fell out of the window; a replica with no sample left (removed, promoted) goes too. */
  private trim(now: number): void {
    const oldest = now - this.windowMs;
    for (const [node, list] of this.samples) {
      const firstKept = list.findIndex((s) => s.at > oldest);
      if (firstKept === -1) this.samples.delete(node);
      else if (firstKept > 0) list.splice(0, firstKept);
    }
  }
}

/** A stored line that is not a round (a damaged or older file) is skipped. */
function isRound(value: unknown): value is LagRound {
  const round = value as LagRound;
  return typeof round === "object" && round !== null && typeof round.at === "number" && Array.isArray(round.replicas);
}
