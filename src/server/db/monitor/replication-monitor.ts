/**
 * Watches every node on an interval and keeps the facts routing needs, without a query on the read
 * path: is it reachable, is it in recovery (a replica) or not (a primary, perhaps a promoted one or a
 * stale one), on which timeline, how far has it replayed, is replay paused. The rules that turn those
 * facts into a writer, roles and routing states are in ./routing-rules.ts; this class runs the rounds
 * and answers for the node set, with each question it asks in a file of its own (./node-probe.ts,
 * ./writer-history.ts, ./replay-questions.ts, ./writer-position.ts).
 *
 * The probes use their own small pool per node, never the query pools, so a saturated app still sees
 * its replicas' health, and a health probe never waits behind user queries. A probe that timed out while
 * this process's event loop was blocked proves nothing about the node and is not believed.
 */
import type pg from "pg";
import { type Lsn, parseLsn } from "~/replication/lsn";
import type { MonitorEvent } from "../node-events";
import type { DbNode } from "../topology/db-node";
import type { Topology } from "../topology/topology";
import { failureSentence } from "./failure-sentence";
import { LagHistory } from "./lag-history";
import { LoopStallWatch } from "./loop-stall";
import { LostListeners } from "./lost-listeners";
import { describeChanges } from "./monitor-changes";
import { isExcusedTimeout, lagStateOf, probedTimeline } from "./monitor-facts";
import { queryNodeState } from "./node-probe";
import { healthOf, type NodeHealth, type NodeRecord, newNodeRecord, probePool, type RoutableNode } from "./node-record";
import {
  askReplay,
  PROGRESS_WAIT_MS,
  progressOf,
  type ReplayPosition,
  type ReplayProgress,
  recentAnswer,
  waitForReplay,
  withDeadline,
} from "./replay-questions";
import { routeRound } from "./routing-round";
import { chooseWriter, type WriterChoice, type WriterLine, type WriterSample } from "./routing-rules";
import type { NodeRole } from "./routing-state";
import { WriterHistories } from "./writer-history";
import { queryWriterPosition, type WriterPosition } from "./writer-position";

export type { NodeHealth, RoutableNode } from "./node-record";
export type { ReplayProgress } from "./replay-questions";

export interface MonitorSettings {
  probeIntervalMs: number;
  connectTimeoutMs: number;
  maxLagMs: number;
  maxLagBytes: number;
  /** Where changes are told (a node lost or back, the writer changing, a node diverged): once per change. */
  log?: (line: string) => void;
  /** The same changes as data, for the admin page's event log (../node-events.ts). */
  onEvent?: (event: MonitorEvent) => void;
  /** Where lag history is kept: a fresh in-memory one unless given (the app's persists it). */
  lagHistory?: LagHistory;
}

export class ReplicationMonitor {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly records = new Map<string, NodeRecord>();
  private samples: WriterSample[] = [];
  private choice: WriterChoice = { roles: new Map(), barred: new Map() };
  /** The current writer's line of history, or the last one seen while no writer answers. */
  private line: WriterLine | undefined;
  private readonly histories = new WriterHistories();
  /** The routable replicas, rebuilt when routing is recomputed, so a read allocates nothing to find them. */
  private routableNodes: readonly RoutableNode[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private firstRound: Promise<void> | undefined;
  private readonly lost = new LostListeners();
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
    this.pools.set(node.name, probePool(node, this.settings.connectTimeoutMs));
    this.records.set(node.name, newNodeRecord(node));
  }

  /**
   * A node that left: out of every decision now (routing, the writer choice, reports). Reads already on
   * it are not told it is lost: they finish, or fail and are retried elsewhere as any read would.
   */
  private remove(node: DbNode): void {
    this.records.delete(node.name);
    this.lost.forget(node.name);
    this.histories.forget(node.name);
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
      const row = await queryNodeState(this.poolOf(record.name), record);
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
      Object.assign(record, {
        reachable: false,
        lastProbeAt: new Date(),
        error: (error as Error).message,
        failure: failureSentence(error, record.node.endpoint),
        useFunctions: true,
      });
      this.lost.tell(record.name, error);
    }
  }

  /** The node writes go to, or undefined (none writable, or two claim it). */
  writer(): NodeHealth | undefined {
    return this.choice.writer ? healthOf(this.recordOf(this.choice.writer)) : undefined;
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
    return [...this.records.values()].map(healthOf);
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
    Object.assign(record, {
      reachable: false,
      error: (error as Error)?.message ?? String(error),
      failure: failureSentence(error, record.node.endpoint),
    });
    void this.recompute({ fetchHistory: false });
    this.lost.tell(name, error);
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
    return this.lost.whenLost(name);
  }

  /**
   * The writer's flush position and timeline, from a query sent now: what a write's token needs, which
   * must be asked after its commit (see WriteTokens, which shares one such query among writes).
   */
  async writerPosition(name: string): Promise<WriterPosition> {
    return queryWriterPosition(this.poolOf(name));
  }

  /**
   * The writer's position, from the question in flight if there is one: for judging a token that is
   * ahead of what the probes saw, where any answer from now on will do. However many such tokens come
   * (anyone can send one), the writer answers one question at a time.
   */
  askWriter(name: string): Promise<WriterPosition> {
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
  waitForReplay(candidates: string[], target: Lsn, timeoutMs: number): Promise<string | undefined> {
    return waitForReplay(this.askReplay, candidates, target, timeoutMs);
  }

  /**
   * How far a write (its position) has spread: each replica, asked now (an answer up to 50 ms old is
   * shared). For pages that show a write reaching each replica; routing never waits on this.
   */
  async replayProgress(target: Lsn): Promise<ReplayProgress[]> {
    const now = performance.now();
    const ask = async (record: NodeRecord): Promise<ReplayProgress> => {
      const position =
        recentAnswer(record, now) ??
        (record.reachable
          ? await withDeadline(this.askReplay(record.name), PROGRESS_WAIT_MS).catch(() => undefined)
          : undefined);
      return progressOf(record.name, position, target);
    };
    return Promise.all(this.replicasNow().map(ask));
  }

  /** A replica's replay position this moment (one question per replica at a time), also kept as its cached one. */
  private readonly askReplay = (name: string): Promise<ReplayPosition> => {
    const record = this.records.get(name);
    if (!record) return Promise.reject(unknownNode(name)); // it left while a read waited for it
    return askReplay(record, this.poolOf(name));
  };

  /**
   * The nodes that are replicas now: not the writer, and configured as replicas or found in recovery. A
   * former primary fenced by a promote is neither; a replica that is down still is.
   */
  private replicasNow(): NodeRecord[] {
    return [...this.records.values()].filter(
      (r) => r.name !== this.choice.writer && (r.configuredRole === "replica" || r.inRecovery === true),
    );
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
      if (record && record.timeline !== null)
        await this.histories.fetch(record.name, record.timeline, this.poolOf(record.name));
    }
    this.route();
  }

  private route(): void {
    const limits = { maxLagMs: this.settings.maxLagMs, maxLagBytes: this.settings.maxLagBytes };
    const round = routeRound(
      [...this.records.values()],
      { line: this.line, samples: this.samples },
      (name, timeline) => this.histories.known(name, timeline),
      limits,
      Date.now(),
    );
    this.choice = round.choice;
    this.line = round.line;
    this.samples = round.samples;
    this.routableNodes = round.routable;
  }

  /** Every node that is not the writer and is, or was configured as, a replica; down ones as gaps. */
  private recordLag(): void {
    this.lagHistory.record(
      this.replicasNow().map((r) => ({ node: r.name, lagMs: r.lag.ms, lagBytes: r.lag.bytes, state: lagStateOf(r) })),
    );
  }

  /**
   * Operators learn from the log why reads or writes moved: a wrong password, a DATABASE_URL naming a
   * replica, a replica that diverged in a failover would otherwise only show as failing requests.
   */
  private tellChanges(before: NodeHealth[], writerBefore: string | undefined, firstRound: boolean): void {
    const { log, onEvent } = this.settings;
    if (!log && !onEvent) return;
    const writer = this.choice.writer;
    const writerNow = writer
      ? { name: writer, timeline: this.line?.timeline }
      : { noWriterBecause: this.whyNoWriter() };
    for (const { line, event } of describeChanges(before, this.snapshot(), { writerBefore, writerNow, firstRound })) {
      log?.(line);
      onEvent?.(event);
    }
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
