/**
 * Watches every node on an interval and keeps the facts routing needs, without a query on the read
 * path: is it reachable, is it in recovery (a replica) or not (a primary, perhaps a promoted one or a
 * stale one), on which timeline, how far has it replayed, is replay paused. The rules that turn those
 * facts into a writer, roles and routing states are in ./routing-rules.ts; this file is the I/O.
 *
 * The probes use their own small pool per node, never the query pools, so a saturated app still sees
 * its replicas' health, and a health probe never waits behind user queries. A probe that timed out while
 * this process's event loop was blocked proves nothing about the node and is not believed.
 */
import pg from "pg";
import { sqlStateOf } from "~/replication/connection-errors";
import { failureSentence } from "./failure-sentence";
import { LagHistory } from "./lag-history";
import { LoopStallWatch } from "./loop-stall";
import type { MonitorEvent } from "../node-events";
import { type Lsn, parseLsn } from "~/replication/lsn";
import { describeChanges } from "./monitor-changes";
import { isExcusedTimeout, lagStateOf, probedTimeline } from "./monitor-facts";
import { type Lag, type NodeFacts, type WriterChoice, type WriterLine, type WriterSample, chooseWriter, lagOf, routingOf } from "./routing-rules";
import type { DbNode } from "../topology/db-node";
import type { Topology } from "../topology/topology";
import { addWriterSample } from "./writer-samples";
import type { ConfiguredRole, NodeRole, Routing } from "./routing-state";
import { parseTimelineHistory } from "~/replication/timeline";
import { NO_FUNCTION_STATES } from "~/replication/status";

export interface MonitorSettings {
  probeIntervalMs: number;
  connectTimeoutMs: number;
  maxLagMs: number;
  maxLagBytes: number;
  /** Where changes are told (a node lost or back, the writer changing, a node diverged): once per change. */
  log?: (line: string) => void;
  /** The same changes as data, for the admin page's event log (./node-events.ts). */
  onEvent?: (event: MonitorEvent) => void;
  /** Where lag history is kept: a fresh in-memory one unless given (the app's persists it). */
  lagHistory?: LagHistory;
}

export interface NodeHealth {
  name: string;
  configuredRole: ConfiguredRole;
  endpoint: string;
  reachable: boolean;
  role: NodeRole;
  /** Undefined until the first successful probe. */
  inRecovery?: boolean;
  /** Replica: last replayed position. Writable node: current flush position. */
  lsn?: Lsn;
  /** Null while unknown (see NodeFacts). */
  timeline: number | null;
  replayPaused?: boolean;
  /** Against the current writer; null when there is no writer to compare with. */
  lagBytes: number | null;
  lagMs: number | null;
  routing: Routing;
  lastProbeAt?: Date;
  error?: string;
  /** The same failure in a sentence for people (./failure-sentence.ts). */
  failure?: string;
}

/** A replica routing may choose: live (its position moves with every answer), never copied per read. */
export interface RoutableNode {
  readonly name: string;
  readonly lsn?: Lsn;
}

/** Whether one node has replayed a given write: "behind" until it has; "unreachable" if it did not answer. */
export interface ReplayProgress {
  node: string;
  state: "replayed" | "behind" | "unreachable";
  replayPaused: boolean;
}

/** The probe, as the SECURITY DEFINER function the cluster manager installs (sql/tandem-monitor.sql)… */
const NODE_STATE_FUNCTION = "SELECT in_recovery, lsn, replay_paused, timeline, receiver_status FROM tandem_monitor.node_state()";
/** …or the same SELECT inline, for clusters without it (timelines then need pg_read_all_stats). */
const NODE_STATE_INLINE = `
  SELECT pg_is_in_recovery() AS in_recovery,
         (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text AS lsn,
         CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END AS replay_paused,
         CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
              ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer END AS timeline,
         (SELECT status FROM pg_stat_wal_receiver) AS receiver_status`;
interface NodeStateRow {
  in_recovery: boolean;
  lsn: string | null;
  replay_paused: boolean;
  timeline: number | null;
}

/** Whether replay is paused (or being paused), false on a node not in recovery, where asking is an error. */
const REPLAY_SQL = `SELECT pg_last_wal_replay_lsn()::text AS lsn,
  CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END AS paused`;

/** The writer's position and timeline right after a commit: what a consistency token is made of. */
const WRITER_POSITION_SQL = `SELECT pg_current_wal_flush_lsn()::text AS lsn,
  ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer AS timeline`;

/** How long one answer about a replica's replay position serves consistency.progress callers. */
const PROGRESS_REUSE_MS = 50;
/** How long consistency.progress waits for a replica before calling it unreachable. */
const PROGRESS_WAIT_MS = 1_000;

interface ReplayPosition {
  lsn: Lsn | undefined;
  paused: boolean;
}

interface NodeRecord extends NodeFacts {
  node: DbNode;
  role: NodeRole;
  lag: Lag;
  routing: Routing;
  lastProbeAt?: Date;
  failure?: string;
  /** When a read on it was hedged; a probe that started later and answered clears it. */
  suspectSince?: number;
  /** Whether to probe through tandem_monitor.node_state() (until the node says it has none). */
  useFunctions: boolean;
  /** The replay question in flight, shared by everyone who asks meanwhile. */
  asking?: Promise<ReplayPosition>;
  /** The writer-position question in flight (askWriter). */
  askingWriter?: Promise<{ lsn: Lsn; timeline: number }>;
  lastAnswer?: { at: number; position: ReplayPosition };
}

export class ReplicationMonitor {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly records = new Map<string, NodeRecord>();
  private samples: WriterSample[] = [];
  private choice: WriterChoice = { roles: new Map(), barred: new Map() };
  /** The current writer's line of history, or the last one seen while no writer answers. */
  private line: WriterLine | undefined;
  private readonly histories = new Map<string, WriterLine["history"]>();
  /** The routable replicas, rebuilt when routing is recomputed, so a read allocates nothing to find them. */
  private routableNodes: readonly RoutableNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private firstRound: Promise<void> | undefined;
  private readonly lostListeners = new Map<string, Set<(error: unknown) => void>>();
  private readonly stalls = new LoopStallWatch();
  /** What tellChanges last reported: every node's health and the writer. */
  private told: { nodes: NodeHealth[]; writer: string | undefined } | undefined;
  private probedOnce = false;
  /** Each replica's lag over the last minutes, one sample per probe round (at most one a second). */
  readonly lagHistory: LagHistory;

  constructor(
    private readonly topology: Topology,
    private readonly settings: MonitorSettings,
  ) {
    this.lagHistory = settings.lagHistory ?? new LagHistory();
    for (const node of topology.nodes()) this.add(node);
    topology.subscribe({
      joined: (node) => this.add(node),
      left: (node) => this.remove(node),
      reassigned: (node) => {
        const record = this.records.get(node.name);
        if (record) record.configuredRole = node.configuredRole;
      },
    });
  }

  /** A node that joined: probed from the next round on, routed to once a probe found it healthy. */
  private add(node: DbNode): void {
    const pool = new pg.Pool({
      connectionString: node.url,
      max: 4, // probes, replay questions and token queries; never competes with the query pools
      connectionTimeoutMillis: this.settings.connectTimeoutMs,
      query_timeout: Math.max(this.settings.connectTimeoutMs, 1_000),
      idleTimeoutMillis: 30_000,
      application_name: "tandem-monitor",
    });
    pool.on("error", () => {}); // an idle connection dropped by a dying server
    this.pools.set(node.name, pool);
    this.records.set(node.name, {
      node,
      name: node.name,
      configuredRole: node.configuredRole,
      reachable: false,
      timeline: null,
      suspect: false,
      role: "unknown",
      lag: { bytes: null, ms: null },
      routing: { routable: false, kind: "not-probed", detail: "not probed yet" },
      useFunctions: true,
    });
  }

  /**
   * A node that left: out of every decision now (routing, the writer choice, reports). Reads already on
   * it are not told it is lost: they finish, or fail and are retried elsewhere as any read would.
   */
  private remove(node: DbNode): void {
    this.records.delete(node.name);
    this.lostListeners.delete(node.name);
    // A node that comes back under this name may be another server: its history is asked again.
    for (const key of this.histories.keys()) if (key.startsWith(`${node.name}@`)) this.histories.delete(key);
    const pool = this.pools.get(node.name);
    this.pools.delete(node.name);
    void pool?.end().catch(() => {});
    void this.recompute({ fetchHistory: false });
  }

  /** Starts probing; resolves after the first round, so routing starts from facts, not guesses. */
  start(): Promise<void> {
    if (this.running) return this.firstRound ?? Promise.resolve();
    this.running = true;
    this.stalls.start();
    this.firstRound = this.topology.start().then(() => this.loop());
    return this.firstRound;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.stalls.stop();
    await Promise.all([...this.pools.values()].map((pool) => pool.end().catch(() => {})));
  }

  /** One probe of every node, then roles, lag and routing recomputed. */
  async probe(): Promise<void> {
    // Changes are told against what was last told, not against the state before this round: a read that
    // found a node gone (reportUnreachable) changes the state between rounds, and is a change to tell.
    // (A probe called while the first round runs, by a lever, is no first round: it tells only changes.)
    const told = this.told;
    const firstRound = !this.probedOnce;
    this.probedOnce = true;
    const before = told?.nodes ?? this.snapshot();
    const writerBefore = told ? told.writer : this.choice.writer;
    await Promise.all([...this.records.values()].map((record) => this.probeNode(record)));
    await this.recompute({ fetchHistory: true });
    this.recordLag();
    this.tellChanges(before, writerBefore, firstRound);
    this.told = { nodes: this.snapshot(), writer: this.choice.writer };
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

  private async probeNode(record: NodeRecord): Promise<void> {
    const started = performance.now();
    try {
      const row = await this.nodeState(record);
      const timeline = probedTimeline(row, record.timeline);
      Object.assign(record, {
        reachable: true,
        inRecovery: row.in_recovery,
        lsn: row.lsn ? parseLsn(row.lsn) : undefined,
        timeline,
        replayPaused: row.replay_paused,
        lastProbeAt: new Date(),
        error: undefined,
        failure: undefined,
      });
      if (record.suspectSince !== undefined && record.suspectSince < started) record.suspectSince = undefined;
    } catch (error) {
      // A timeout while our own event loop was blocked for a good part of the wait says nothing about the
      // node: keep what we knew. (Short stalls on a busy machine do not excuse a node that stays silent.)
      const elapsed = performance.now() - started;
      if (isExcusedTimeout(error, elapsed, this.stalls.stalledMsBetween(started, started + elapsed))) return;
      Object.assign(record, { reachable: false, lastProbeAt: new Date(), error: (error as Error).message, failure: failureSentence(error, record.node.endpoint), useFunctions: true });
      this.tellLost(record.name, error);
    }
  }

  private async nodeState(record: NodeRecord): Promise<NodeStateRow> {
    const pool = this.poolOf(record.name);
    if (record.useFunctions) {
      try {
        return (await pool.query<NodeStateRow>(NODE_STATE_FUNCTION)).rows[0];
      } catch (error) {
        if (!NO_FUNCTION_STATES.has(sqlStateOf(error) ?? "")) throw error;
        record.useFunctions = false;
      }
    }
    return (await pool.query<NodeStateRow>(NODE_STATE_INLINE)).rows[0];
  }

  /** The writer's history, fetched once per (writer, timeline); undefined when it cannot be read. */
  private async historyOf(writer: NodeRecord): Promise<WriterLine["history"]> {
    const timeline = writer.timeline;
    if (timeline === null) return undefined;
    if (timeline === 1) return { timeline, forks: [] };
    const key = `${writer.name}@${timeline}`;
    if (this.histories.has(key)) return this.histories.get(key);
    let history: WriterLine["history"];
    try {
      const { rows } = await this.poolOf(writer.name).query<{ history: string | null }>("SELECT tandem_monitor.timeline_history($1) AS history", [timeline]);
      history = rows[0].history === null ? undefined : { timeline, forks: parseTimelineHistory(rows[0].history, timeline) };
      this.histories.set(key, history);
    } catch (error) {
      if (NO_FUNCTION_STATES.has(sqlStateOf(error) ?? "")) this.histories.set(key, undefined); // not installed: don't ask again
    }
    return history;
  }

  /** The node writes go to, or undefined (none writable, or two claim it). */
  writer(): NodeHealth | undefined {
    return this.choice.writer ? this.healthOf(this.recordOf(this.choice.writer)) : undefined;
  }

  /** The writer's name, without building its health (per read and write). */
  writerName(): string | undefined {
    return this.choice.writer;
  }

  /** Why no node takes writes, when none does. */
  whyNoWriter(): string {
    return this.choice.noWriterBecause ?? "no writer known yet";
  }

  /** The writer's timeline and history (or the last known, while no writer answers). */
  writerLine(): WriterLine | undefined {
    return this.line;
  }

  /** Every node's health, in the topology's order (a node that joined later comes last). */
  snapshot(): NodeHealth[] {
    return [...this.records.values()].map((record) => this.healthOf(record));
  }

  /** One node's current role (per read, so without building the whole snapshot). */
  roleOf(name: string): NodeRole {
    return this.records.get(name)?.role ?? "unknown";
  }

  /** Replicas that may serve reads now (do not keep the array: it is replaced, not changed, on every recompute). */
  routable(): readonly RoutableNode[] {
    return this.routableNodes;
  }

  /** A read just failed to reach this node: take it out now rather than at the next probe. */
  reportUnreachable(name: string, error: unknown): void {
    const record = this.records.get(name);
    if (!record) return;
    Object.assign(record, { reachable: false, error: (error as Error)?.message ?? String(error), failure: failureSentence(error, record.node.endpoint) });
    void this.recompute({ fetchHistory: false });
    this.tellLost(name, error);
  }

  /** A read on this node was slow enough to be hedged: out of routing until a later probe answers. */
  reportSlow(name: string): void {
    const record = this.records.get(name);
    if (!record || record.suspectSince !== undefined) return;
    record.suspectSince = performance.now();
    void this.recompute({ fetchHistory: false });
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
   * The writer's flush position and timeline, from a query sent now: what a write's token needs, which
   * must be asked after its commit (see WriteTokens, which shares one such query among writes).
   */
  async writerPosition(name: string): Promise<{ lsn: Lsn; timeline: number }> {
    const { rows } = await this.poolOf(name).query<{ lsn: string; timeline: number }>(WRITER_POSITION_SQL);
    return { lsn: parseLsn(rows[0].lsn), timeline: rows[0].timeline };
  }

  /**
   * The writer's position, from the question in flight if there is one: for judging a token that is
   * ahead of what the probes saw, where any answer from now on will do. However many such tokens come
   * (anyone can send one), the writer answers one question at a time.
   */
  askWriter(name: string): Promise<{ lsn: Lsn; timeline: number }> {
    const record = this.records.get(name);
    if (!record) return Promise.reject(unknownNode(name)); // it left the topology: as if it did not answer
    record.askingWriter ??= this.writerPosition(name).finally(() => {
      record.askingWriter = undefined;
    });
    return record.askingWriter;
  }

  /**
   * Waits until one of `candidates` has replayed `target`, asking them directly (the cached positions
   * may be one probe old). Resolves to the first that has, or undefined at the deadline, whatever any
   * one replica does: a replica that does not answer holds up nobody.
   */
  async waitForReplay(candidates: string[], target: Lsn, timeoutMs: number): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    let done = false;
    const poll = async (name: string): Promise<string | null> => {
      while (!done && performance.now() < deadline) {
        const position = await this.askReplay(name).catch(() => undefined);
        if (!position) return null; // it did not answer: the others may
        if (position.lsn !== undefined && position.lsn >= target) return name;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return null;
    };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return (await Promise.race([firstNonNull(candidates.map(poll)), expired])) ?? undefined;
    } finally {
      done = true;
      clearTimeout(timer);
    }
  }

  /**
   * How far a write (its position) has spread: each replica, asked now (an answer up to 50 ms old is
   * shared). For pages that show a write reaching each replica; routing never waits on this.
   */
  async replayProgress(target: Lsn): Promise<ReplayProgress[]> {
    const now = performance.now();
    const ask = async (record: NodeRecord): Promise<ReplayProgress> => {
      const recent = record.lastAnswer && now - record.lastAnswer.at <= PROGRESS_REUSE_MS ? record.lastAnswer.position : undefined;
      const position = recent ?? (record.reachable ? await withDeadline(this.askReplay(record.name), PROGRESS_WAIT_MS).catch(() => undefined) : undefined);
      if (!position) return { node: record.name, state: "unreachable", replayPaused: false };
      return { node: record.name, state: position.lsn !== undefined && position.lsn >= target ? "replayed" : "behind", replayPaused: position.paused };
    };
    return Promise.all(this.replicasNow().map(ask));
  }

  /**
   * A replica's replay position and pause state this moment, the position also kept as its cached one.
   * One question per replica at a time, shared by every caller meanwhile: however many requests wait
   * for replay (a client can send any token), a replica answers one such question at a time.
   */
  private askReplay(name: string): Promise<ReplayPosition> {
    const record = this.records.get(name);
    if (!record) return Promise.reject(unknownNode(name)); // it left while a read waited for it
    if (record.asking) return record.asking;
    const asking = this.poolOf(name)
      .query<{ lsn: string | null; paused: boolean }>(REPLAY_SQL)
      .then(({ rows }) => {
        const position = { lsn: rows[0].lsn ? parseLsn(rows[0].lsn) : undefined, paused: rows[0].paused };
        if (position.lsn !== undefined && record.inRecovery && (record.lsn === undefined || position.lsn > record.lsn)) record.lsn = position.lsn;
        record.lastAnswer = { at: performance.now(), position };
        return position;
      })
      .finally(() => {
        record.asking = undefined;
      });
    record.asking = asking;
    return asking;
  }

  /**
   * The nodes that are replicas now: not the writer, and configured as replicas or found in recovery. A
   * former primary fenced by a promote is neither; a replica that is down still is.
   */
  private replicasNow(): NodeRecord[] {
    return [...this.records.values()].filter((r) => r.name !== this.choice.writer && (r.configuredRole === "replica" || r.inRecovery === true));
  }

  /**
   * Roles, lag and routing from the facts. The writer's timeline history is fetched first (once per
   * writer and timeline); all that follows is synchronous, so a node that leaves the topology meanwhile
   * is never chosen or routed to from a list taken before it left.
   */
  private async recompute({ fetchHistory }: { fetchHistory: boolean }): Promise<void> {
    if (fetchHistory) {
      const candidate = chooseWriter([...this.records.values()]).writer;
      const record = candidate === undefined ? undefined : this.records.get(candidate);
      if (record && record.timeline !== null) await this.historyOf(record);
    }
    this.route();
  }

  private route(): void {
    for (const record of this.records.values()) record.suspect = record.suspectSince !== undefined;
    const records = [...this.records.values()];
    this.choice = chooseWriter(records);
    const writer = this.choice.writer ? this.recordOf(this.choice.writer) : undefined;
    if (writer && writer.timeline !== null) {
      const history = this.histories.get(`${writer.name}@${writer.timeline}`);
      this.line = { name: writer.name, lsn: writer.lsn, timeline: writer.timeline, history: history ?? (writer.timeline === 1 ? { timeline: 1, forks: [] } : undefined) };
    }
    const now = Date.now();
    if (writer?.lsn !== undefined) this.samples = addWriterSample(this.samples, writer.lsn, now);
    const limits = { maxLagMs: this.settings.maxLagMs, maxLagBytes: this.settings.maxLagBytes };
    for (const record of records) {
      record.role = this.choice.roles.get(record.name) ?? "unknown";
      record.lag = lagOf(record, writer, this.samples, now);
      record.routing = routingOf(record, this.choice, this.line, record.lag, limits);
    }
    this.routableNodes = records.filter((r) => r.routing.routable);
  }

  /** Every node that is not the writer and is, or was configured as, a replica; down ones as gaps. */
  private recordLag(): void {
    this.lagHistory.record(this.replicasNow().map((r) => ({ node: r.name, lagMs: r.lag.ms, lagBytes: r.lag.bytes, state: lagStateOf(r) })));
  }

  /**
   * Operators learn from the log why reads or writes moved: a wrong password, a DATABASE_URL naming a
   * replica, a replica that diverged in a failover would otherwise only show as failing requests.
   */
  private tellChanges(before: NodeHealth[], writerBefore: string | undefined, firstRound: boolean): void {
    const { log, onEvent } = this.settings;
    if (!log && !onEvent) return;
    const writer = this.choice.writer;
    const writerNow = writer ? { name: writer, timeline: this.line?.timeline } : { noWriterBecause: this.whyNoWriter() };
    for (const { line, event } of describeChanges(before, this.snapshot(), { writerBefore, writerNow, firstRound })) {
      log?.(line);
      onEvent?.(event);
    }
  }

  private healthOf(r: NodeRecord): NodeHealth {
    return {
      name: r.name,
      configuredRole: r.configuredRole,
      endpoint: r.node.endpoint,
      reachable: r.reachable,
      role: r.role,
      inRecovery: r.inRecovery,
      lsn: r.lsn,
      timeline: r.timeline,
      replayPaused: r.replayPaused,
      lagBytes: r.lag.bytes,
      lagMs: r.lag.ms,
      routing: r.routing,
      lastProbeAt: r.lastProbeAt,
      error: r.error,
      failure: r.failure,
    };
  }

  private recordOf(name: string): NodeRecord {
    const record = this.records.get(name);
    if (!record) throw unknownNode(name);
    return record;
  }

  /**
   * One statement on a node over the monitor's own small pool, for reports that must open no connection
   * of their own per call and never queue behind user queries (replication.status's details).
   */
  async query<R extends pg.QueryResultRow>(node: string, sql: string, params?: unknown[]): Promise<R[]> {
    return (await this.poolOf(node).query<R>(sql, params)).rows;
  }

  /** A node's probe pool, lent for small queries that must not wait behind user queries. */
  poolOf(name: string): pg.Pool {
    const pool = this.pools.get(name);
    if (!pool) throw unknownNode(name);
    return pool;
  }
}

/** A node not (or no longer) in the topology. */
function unknownNode(name: string): Error {
  return new Error(`Unknown node ${name}: not in the topology`);
}

/** The first of `answers` that is not null, or null when all are. */
function firstNonNull<T>(answers: Promise<T | null>[]): Promise<T | null> {
  return new Promise((resolve) => {
    let pending = answers.length;
    if (pending === 0) resolve(null);
    for (const answer of answers) {
      void answer.then((value) => {
        if (value !== null) resolve(value);
        else if (--pending === 0) resolve(null);
      });
    }
  });
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
