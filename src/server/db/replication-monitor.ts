/**
 * Watches every node on an interval and keeps the answers routing needs, without a query on the read
 * path: is it reachable, is it in recovery (a replica) or not (a primary, perhaps a promoted one), how
 * far has it replayed, is replay paused, and how far behind the writer is it, in bytes and in time.
 *
 * Time lag is measured from the writer's own WAL positions: each probe records (writer LSN, when). A
 * replica whose replay position is behind the writer's LSN sampled at time t is missing writes that
 * were committed before t, so it is at least `now - t` stale. This needs no clock on the replica and
 * no privileges beyond calling the WAL position functions, unlike pg_stat_replication.
 *
 * The probes use their own small pool per node, never the query pools, so a saturated app still sees
 * its replicas' health, and a health probe never waits behind user queries.
 */
import pg from "pg";
import type { DbNode } from "./nodes";
import { LagHistory, type LagState } from "./lag-history";
import { type Lsn, bytesBetween, parseLsn } from "./lsn";

export interface MonitorSettings {
  probeIntervalMs: number;
  connectTimeoutMs: number;
  maxLagMs: number;
  maxLagBytes: number;
  /** Where changes are told (a node lost or back, the writer changing): once per change, never per probe. */
  log?: (line: string) => void;
}

export interface NodeHealth {
  name: string;
  configuredRole: DbNode["configuredRole"];
  endpoint: string;
  reachable: boolean;
  /** Undefined until the first successful probe. */
  inRecovery?: boolean;
  /** Replica: last replayed position. Writable node: current flush position. */
  lsn?: Lsn;
  replayPaused?: boolean;
  /** Against the current writer; null when there is no writer to compare with. */
  lagBytes: number | null;
  lagMs: number | null;
  /** Why a replica is not in the routing set, or undefined when it is. */
  excludedBecause?: string;
  lastProbeAt?: Date;
  error?: string;
}

/** Whether one node has replayed a given write: "behind" until it has; "unreachable" if it did not answer. */
export interface ReplayProgress {
  node: string;
  state: "replayed" | "behind" | "unreachable";
  replayPaused: boolean;
}

/** Whether replay is paused (or being paused), false on a node not in recovery, where asking is an error. */
const REPLAY_PAUSED_SQL = "CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END";

/** How long one round of replay questions answers consistency.progress callers (see replayRound). */
const PROGRESS_REUSE_MS = 50;

interface ReplayPosition {
  lsn: Lsn | undefined;
  paused: boolean;
}

interface WriterSample {
  lsn: Lsn;
  at: number;
}

/** Enough history to measure lag up to this far back; beyond it a replica counts as "at least" this stale. */
const SAMPLE_HISTORY_MS = 10 * 60_000;

export class ReplicationMonitor {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly health = new Map<string, NodeHealth>();
  private samples: WriterSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private firstRound: Promise<void> | undefined;
  private readonly lostListeners = new Map<string, Set<(error: unknown) => void>>();
  private lastReplayRound: { startedAt: number; settled: boolean; positions: Promise<Map<string, ReplayPosition | undefined>> } | undefined;
  /** Each replica's lag over the last minutes, one sample per probe round (at most one a second). */
  readonly lagHistory = new LagHistory();

  constructor(
    readonly nodes: DbNode[],
    private readonly settings: MonitorSettings,
  ) {
    for (const node of nodes) {
      this.pools.set(
        node.name,
        new pg.Pool({
          connectionString: node.url,
          max: 4, // probes, read-your-writes checks and one consistency.progress round; never competes with the query pools
          connectionTimeoutMillis: settings.connectTimeoutMs,
          query_timeout: Math.max(settings.connectTimeoutMs, 1_000),
          idleTimeoutMillis: 30_000,
          application_name: "tandem-monitor",
        }),
      );
      this.pools.get(node.name)?.on("error", () => {}); // an idle connection dropped by a dying server
      this.health.set(node.name, { name: node.name, configuredRole: node.configuredRole, endpoint: node.endpoint, reachable: false, lagBytes: null, lagMs: null });
    }
  }

  /** Starts probing; resolves after the first round, so routing starts from facts, not guesses. */
  start(): Promise<void> {
    if (this.running) return this.firstRound ?? Promise.resolve();
    this.running = true;
    this.firstRound = this.loop();
    return this.firstRound;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all([...this.pools.values()].map((pool) => pool.end().catch(() => {})));
  }

  /** One probe of every node, then lag and routing eligibility recomputed. */
  async probe(): Promise<void> {
    const before = this.snapshot();
    const writerBefore = this.writer()?.name;
    await Promise.all(this.nodes.map((node) => this.probeNode(node)));
    this.recompute();
    this.recordLag();
    this.tellChanges(before, writerBefore);
  }

  /**
   * Operators learn from the log why reads or writes moved: a wrong password or a DATABASE_URL that
   * names a replica would otherwise only show as failing requests.
   */
  private tellChanges(before: NodeHealth[], writerBefore: string | undefined): void {
    const log = this.settings.log;
    if (!log) return;
    const firstRound = before.every((h) => h.lastProbeAt === undefined);
    for (const [i, now] of this.snapshot().entries()) {
      const was = before[i];
      if (!now.reachable && (firstRound || was.reachable)) log(`${now.name} (${now.endpoint}) is unreachable: ${now.error ?? "no answer"}`);
      else if (now.reachable && !firstRound && !was.reachable) log(`${now.name} (${now.endpoint}) is reachable again`);
    }
    const writer = this.writer()?.name;
    if (writer === writerBefore && !firstRound) return;
    if (writer) log(`writes go to ${writer}`);
    else log(`no node accepts writes: ${this.whyNoWriter()}`);
  }

  private whyNoWriter(): string {
    const configured = [...this.health.values()].find((h) => h.configuredRole === "primary") as NodeHealth;
    if (configured.reachable && configured.inRecovery) return `the configured primary ${configured.name} (${configured.endpoint}) is in recovery: a replica, or a failover is under way`;
    return "no node is both reachable and out of recovery; writes fail until one is";
  }

  /** The routing limit on lag in time, above which a replica leaves the routing set. */
  get maxLagMs(): number {
    return this.settings.maxLagMs;
  }

  private async loop(): Promise<void> {
    await this.probe();
    const next = () => {
      if (!this.running) return;
      this.timer = setTimeout(() => void this.probe().finally(next), this.settings.probeIntervalMs);
      this.timer.unref(); // the monitor alone never keeps a process alive
    };
    next();
  }

  private async probeNode(node: DbNode): Promise<void> {
    const current = this.health.get(node.name) as NodeHealth;
    try {
      const { rows } = await this.poolOf(node.name).query<{ in_recovery: boolean; lsn: string; paused: boolean }>(`
        SELECT pg_is_in_recovery() AS in_recovery,
               (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text AS lsn,
               ${REPLAY_PAUSED_SQL} AS paused`);
      const row = rows[0];
      Object.assign(current, {
        reachable: true,
        inRecovery: row.in_recovery,
        lsn: row.lsn ? parseLsn(row.lsn) : undefined,
        replayPaused: row.paused,
        lastProbeAt: new Date(),
        error: undefined,
      });
    } catch (error) {
      Object.assign(current, { reachable: false, lastProbeAt: new Date(), error: (error as Error).message });
      this.tellLost(node.name, error);
    }
  }

  /** The node writes go to: the configured primary while it is writable, else a node that was promoted. */
  writer(): NodeHealth | undefined {
    const writable = [...this.health.values()].filter((h) => h.reachable && h.inRecovery === false);
    return writable.find((h) => h.configuredRole === "primary") ?? writable[0];
  }

  /** Every node's health, in configuration order. */
  snapshot(): NodeHealth[] {
    return this.nodes.map((node) => ({ ...(this.health.get(node.name) as NodeHealth) }));
  }

  /** Replicas that may serve reads now. */
  routable(): NodeHealth[] {
    return this.snapshot().filter((h) => h.excludedBecause === undefined);
  }

  /** A read just failed to reach this node: take it out now rather than at the next probe. */
  reportUnreachable(name: string, error: unknown): void {
    const health = this.health.get(name);
    if (!health) return;
    Object.assign(health, { reachable: false, error: (error as Error)?.message ?? String(error) });
    this.recompute();
    this.tellLost(name, error);
  }

  /**
   * Settles with the error when `name` is next found unreachable (a probe fails, or a read reports it):
   * a read in flight on a replica that hangs need not wait for its own query timeout. `cancel` when done.
   */
  whenLost(name: string): { lost: Promise<unknown>; cancel: () => void } {
    const listeners = this.lostListeners.get(name) ?? new Set();
    this.lostListeners.set(name, listeners);
    let cancel = () => {};
    const lost = new Promise<unknown>((resolve) => {
      listeners.add(resolve);
      cancel = () => listeners.delete(resolve);
    });
    return { lost, cancel };
  }

  private tellLost(name: string, error: unknown): void {
    for (const listener of this.lostListeners.get(name) ?? []) listener(error);
    this.lostListeners.get(name)?.clear();
  }

  /**
   * Waits until one of `candidates` has replayed `target`, checking them directly (the cached positions
   * may be one probe old). Resolves to the first that has, or undefined after `timeoutMs`.
   */
  async waitForReplay(candidates: string[], target: Lsn, timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const positions = await this.replayRound(0);
      const ready = candidates.find((name) => (positions.get(name)?.lsn ?? -1n) >= target);
      if (ready || Date.now() >= deadline) return ready;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * How far a write (its consistency token) has spread: each replica, asked now. For pages that show a
   * write reaching each replica; routing never waits on this.
   */
  async replayProgress(target: Lsn): Promise<ReplayProgress[]> {
    const positions = await this.replayRound(PROGRESS_REUSE_MS);
    return [...positions].map(([node, position]) =>
      position === undefined
        ? { node, state: "unreachable", replayPaused: false }
        : { node, state: position.lsn !== undefined && position.lsn >= target ? "replayed" : "behind", replayPaused: position.paused },
    );
  }

  /**
   * One round of questions to every replica (its replay position now; undefined if it did not answer or
   * is unreachable),
   * shared: callers get the round in flight, or one that started at most `maxAgeMs` ago. However many
   * requests wait for replay or ask for progress (both public, and a client can send any token), each
   * replica answers one such question at a time, and the probes keep their share of these small pools.
   */
  private replayRound(maxAgeMs: number): Promise<Map<string, ReplayPosition | undefined>> {
    const last = this.lastReplayRound;
    if (last && (!last.settled || performance.now() - last.startedAt <= maxAgeMs)) return last.positions;
    // A replica the probes found unreachable is not asked: waiting out its connect timeout would hold up
    // every caller of the round, read-your-writes reads included.
    const ask = async ({ name, reachable }: NodeHealth) => [name, reachable ? await this.replayNow(name).catch(() => undefined) : undefined] as const;
    const positions = Promise.all(this.replicasNow().map(ask)).then((entries) => new Map(entries));
    const round = { startedAt: performance.now(), settled: false, positions };
    void positions.then(() => (round.settled = true));
    this.lastReplayRound = round;
    return positions;
  }

  /**
   * A replica's replay position and pause state this moment, the position also kept as its cached one.
   * The position is undefined on a node that never was in recovery.
   */
  private async replayNow(name: string): Promise<ReplayPosition> {
    const { rows } = await this.poolOf(name).query<{ lsn: string | null; paused: boolean }>(
      `SELECT pg_last_wal_replay_lsn()::text AS lsn, ${REPLAY_PAUSED_SQL} AS paused`,
    );
    const lsn = rows[0].lsn ? parseLsn(rows[0].lsn) : undefined;
    const health = this.health.get(name) as NodeHealth;
    if (lsn !== undefined && (health.lsn === undefined || lsn > health.lsn)) health.lsn = lsn;
    return { lsn, paused: rows[0].paused };
  }

  /**
   * The nodes that are replicas now: not the writer, and configured as replicas or found in recovery. A
   * former primary fenced by a promote is neither; a replica that is down still is.
   */
  private replicasNow(): NodeHealth[] {
    const writer = this.writer();
    return [...this.health.values()].filter((h) => h !== writer && (h.configuredRole === "replica" || h.inRecovery === true));
  }

  private recompute(): void {
    const now = Date.now();
    const writer = this.writer();
    if (writer?.lsn !== undefined) {
      const last = this.samples.at(-1);
      if (!last || writer.lsn !== last.lsn) this.samples.push({ lsn: writer.lsn, at: now });
      this.samples = this.samples.filter((s, i) => i === this.samples.length - 1 || now - s.at <= SAMPLE_HISTORY_MS);
    }
    for (const health of this.health.values()) {
      if (health === writer || health.inRecovery !== true || !health.reachable) {
        health.lagBytes = null;
        health.lagMs = null;
      } else {
        health.lagBytes = writer?.lsn !== undefined && health.lsn !== undefined ? bytesBetween(writer.lsn, health.lsn) : null;
        health.lagMs = writer && health.lsn !== undefined ? this.lagMsAt(health.lsn, now) : null;
      }
      health.excludedBecause = this.exclusion(health, writer);
    }
  }

  /** now minus when the writer was first seen past `replayed`; 0 when caught up with every sample. */
  private lagMsAt(replayed: Lsn, now: number): number {
    const firstAhead = this.samples.find((s) => s.lsn > replayed);
    return firstAhead ? now - firstAhead.at : 0;
  }

  /** Every node that is not the writer and is, or was configured as, a replica; down ones as gaps. */
  private recordLag(): void {
    this.lagHistory.record(this.replicasNow().map((h) => ({ node: h.name, lagMs: h.lagMs, lagBytes: h.lagBytes, state: lagStateOf(h) })));
  }

  private exclusion(health: NodeHealth, writer: NodeHealth | undefined): string | undefined {
    if (!health.reachable) return "unreachable";
    if (health.inRecovery === false) return health === writer ? "is the writer" : "not in recovery (promoted?)";
    if (health.inRecovery === undefined) return "not probed yet";
    const paused = health.replayPaused ? "replay paused, " : "";
    if (health.lagMs !== null && health.lagMs > this.settings.maxLagMs) return `${paused}lagging ${health.lagMs} ms (> ${this.settings.maxLagMs} ms)`;
    if (health.lagBytes !== null && health.lagBytes > this.settings.maxLagBytes) return `${paused}lagging ${health.lagBytes} bytes (> ${this.settings.maxLagBytes})`;
    return undefined;
  }

  /**
   * One statement on a node over the monitor's own small pool, for reports that must open no connection
   * of their own per call and never queue behind user queries (replication.status's details).
   */
  async query<R extends pg.QueryResultRow>(node: string, sql: string, params?: unknown[]): Promise<R[]> {
    return (await this.poolOf(node).query<R>(sql, params)).rows;
  }

  private poolOf(name: string): pg.Pool {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`Unknown node ${name}`);
    return pool;
  }
}

/** The node cards' vocabulary: down, replay paused, lagging, otherwise excluded, else routable. */
function lagStateOf(health: NodeHealth): LagState {
  if (!health.reachable) return "down";
  if (health.replayPaused) return "paused";
  if (health.excludedBecause === undefined) return "routable";
  return /lagging/.test(health.excludedBecause) ? "lagging" : "excluded";
}
