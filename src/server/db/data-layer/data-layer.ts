/**
 * The replica-aware data layer: every database access of the app goes through `read` or `write` of a
 * request's `RequestDb` (`dataLayer.forRequest(token)`), which carries the client's consistency token,
 * so no procedure can forget it.
 *
 * Routing is built on @prisma/extension-read-replicas. For each (writer, replica) pair there is one
 * client `writer.$extends(readReplicas({ replicas: [replica] }))`: the extension keeps doing what it is
 * for, and this layer decides which replica it sees, from the monitor's facts, instead of the
 * extension's blind random pick. What the bare extension cannot do, this adds:
 *  - a dead, promoted, lagging, diverged or stale node is not chosen (../monitor/routing-rules.ts);
 *  - a read that fails on a connection error is retried on the primary, and one cancelled by a recovery
 *    conflict on another node: zero failed reads when a replica dies between two probes;
 *  - a replica read slower than almost all recent ones is also sent to another node (./hedging.ts);
 *  - read-your-writes across failovers: a token names its write's timeline and position; a read carrying
 *    one goes to a replica that has replayed it, waits briefly for one, or uses the primary, and a token
 *    whose write a failover lost is said to be lost (./token-verdict.ts);
 *  - writes go to the one writable node on the newest timeline; a committed write is never answered as
 *    an error (./write-tokens.ts);
 *  - every read says which node served it and why;
 *  - the node set follows the topology source at run time (../topology/): a node that joins is routed to
 *    once probed healthy, one that leaves gets no new work and is closed when its queries end.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import { describeConnectionFailure, isConnectionError, sqlStateOf } from "~/replication/connection-errors";
import { type ConsistencyToken, formatToken, isNewer, parseToken } from "./consistency-token";
import { Hedging } from "./hedging";
import type { Lsn } from "~/replication/lsn";
import { type ReadClient, nodeReadClient, replicaReadClient } from "./read-client";
import type { ReplayProgress, ReplicationMonitor, RoutableNode } from "../monitor/replication-monitor";
import type { DbNode } from "../topology/db-node";
import type { NodeEntry, Topology, TopologyStatus } from "../topology/topology";
import { type TokenVerdict, aheadOfWriter, judgeToken } from "./token-verdict";
import { WriteTokens } from "./write-tokens";

export type { ReadClient } from "./read-client";

/**
 * Why a node served a request:
 * - `replica`: a healthy replica (no token to honour);
 * - `read-your-writes`: a replica that has replayed the client's last write;
 * - `fallback`: the primary, because no replica could (all out, none caught up in time, one failed);
 * - `primary-requested`: the read asked for the primary;
 * - `primary-only-token`: the client's token says its last write's position is unknown;
 * - `write-lost`: the client's last write was lost in a failover; the primary's answer is the truth now;
 * - `token-ahead`: the token is ahead of the primary (a newer timeline, or a position it never reached);
 * - `write-unverifiable`: the last write predates a failover and the history to judge it is unreadable;
 * - `write`: a write, on the primary.
 */
export const SERVED_REASONS = [
  "replica",
  "read-your-writes",
  "fallback",
  "primary-requested",
  "primary-only-token",
  "write-lost",
  "token-ahead",
  "write-unverifiable",
  "write",
] as const;

export type ServedReason = (typeof SERVED_REASONS)[number];

export interface ServedBy {
  node: string;
  endpoint: string;
  role: "primary" | "replica";
  reason: ServedReason;
  /** A sentence: why this node, e.g. which replicas were out and why. */
  detail: string;
  /** Time spent waiting for a replica to replay the client's last write (read-your-writes), else 0. */
  waitedMs: number;
  /** The read was slow on its first node and was sent to this one too, which answered first. */
  hedged: boolean;
}

export interface ReadResult<T> {
  data: T;
  servedBy: ServedBy;
}

export interface WriteResult<T> {
  data: T;
  servedBy: ServedBy;
  /** Send it with later reads to read this write (`x-consistency-token`). */
  consistencyToken: string;
}

export interface ReadOptions {
  /** `"primary"`: read from the writer, e.g. right before a write that depends on the answer. */
  from?: "primary";
}

export interface NodeCounters {
  readsServed: number;
  /** Reads meant for this replica that went elsewhere because it failed mid-read. */
  fallbacks: number;
  /** Reads on this replica that were slow enough to be sent to another node too. */
  hedges: number;
  /** Connection errors seen on this node by app queries. */
  errors: number;
  writes: number;
}

/** The database could not be reached, or no node may take writes: the API answers SERVICE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly node: string,
    readonly endpoint: string,
    readonly cause: unknown,
    /** Why, as a sentence, when it is not a connection failure (two primaries, a stale primary). */
    readonly reason?: string,
  ) {
    super(reason ? `No node may take writes: ${reason}` : `The database ${node} (${endpoint}) is unreachable: ${describeConnectionFailure(cause)}`);
    this.name = "DatabaseUnavailableError";
  }
}

/** A read given up on its replica: the probes found it unreachable, or it failed in a way another node may not. */
class ReplicaReadFailed extends Error {
  constructor(
    readonly node: string,
    readonly cause: unknown,
    readonly why: "lost" | "connection" | "recovery-conflict",
  ) {
    super(`${node}: read failed (${why})`);
  }
}

export interface DataLayerSettings {
  rywMaxWaitMs: number;
  /** Never hedge a replica read sooner than this; 0 turns hedging off. */
  hedgeFloorMs: number;
}

/** Where a read goes, and why. `lsn` is the position the node must have replayed (read-your-writes). */
interface ReadPlan {
  node: NodeEntry;
  /** Whether `node` is the primary (a read there is never hedged). */
  onPrimary: boolean;
  reason: ServedReason;
  detail: string;
  waitedMs: number;
  lsn?: Lsn;
}

/** One request's view of the data layer: reads and writes carry the client's newest consistency token. */
export interface RequestDb {
  read<T>(query: (db: ReadClient) => Promise<T>, options?: ReadOptions): Promise<ReadResult<T>>;
  write<T>(mutation: (db: PrismaClient) => Promise<T>): Promise<WriteResult<T>>;
  /** The newest token this request knows: the client's, or that of a write made in this request. */
  readonly consistencyToken: string | undefined;
}

export class DataLayer {
  private readonly counters = new Map<string, NodeCounters>();
  private readonly hedging: Hedging;
  private readonly writeTokens: WriteTokens;
  /** The newest position this process handed out in a token, per writer. */
  private readonly issued = new Map<string, { timeline: number; lsn: Lsn }>();
  private roundRobin = 0;

  constructor(
    private readonly topology: Topology,
    readonly monitor: ReplicationMonitor,
    private readonly settings: DataLayerSettings,
  ) {
    const fresh = (): NodeCounters => ({ readsServed: 0, fallbacks: 0, hedges: 0, errors: 0, writes: 0 });
    for (const node of topology.nodes()) this.counters.set(node.name, fresh());
    topology.subscribe({
      joined: (node) => this.counters.set(node.name, fresh()),
      // A node that left and came back under its name has its new counters already.
      closed: (node) => void (topology.entry(node.name) || this.counters.delete(node.name)),
    });
    this.hedging = new Hedging({ floorMs: settings.hedgeFloorMs });
    this.writeTokens = new WriteTokens({
      writerPosition: (name) => monitor.writerPosition(name),
      lastKnown: (name) => {
        const health = monitor.snapshot().find((h) => h.name === name);
        return { lsn: health?.lsn ?? 0n, timeline: health?.timeline ?? monitor.writerLine()?.timeline ?? null };
      },
    });
  }

  /** The nodes in use now, in the topology source's order. */
  get nodes(): DbNode[] {
    return this.topology.nodes();
  }

  /** Which topology source is in use, when it last answered and why it last failed. */
  topologyStatus(): TopologyStatus {
    return this.topology.status();
  }

  /**
   * The data layer for one request. `token` is the client's `x-consistency-token` (checked with
   * `isToken` first); a write in the request advances it, so a read after it in the same request sees it.
   */
  forRequest(token?: string): RequestDb {
    let current = token === undefined ? undefined : parseToken(token);
    return {
      read: (query, options) => this.read(query, current, options),
      write: async (mutation) => {
        const result = await this.write(mutation, current);
        const next = parseToken(result.consistencyToken);
        if (!current || isNewer(next, current) || next.primaryOnly) current = next;
        return result;
      },
      get consistencyToken() {
        return current === undefined ? undefined : formatToken(current);
      },
    };
  }

  private async read<T>(query: (db: ReadClient) => Promise<T>, token: ConsistencyToken | undefined, options: ReadOptions = {}): Promise<ReadResult<T>> {
    await this.monitor.start(); // the first call waits for one probe round: route from facts, not guesses
    const plan = await this.plan(token, options);
    if (plan.onPrimary) {
      return { data: await this.onPrimary(plan.node, query), servedBy: this.servedBy(plan.node, plan.reason, plan.detail, plan.waitedMs) };
    }
    return this.onReplica(plan, query);
  }

  private async write<T>(mutation: (db: PrismaClient) => Promise<T>, previous: ConsistencyToken | undefined): Promise<WriteResult<T>> {
    await this.monitor.start();
    const writer = this.writerNode();
    let data: T;
    this.topology.hold(writer);
    try {
      data = await mutation(writer.client);
    } catch (error) {
      throw this.unavailableOr(writer, error);
    } finally {
      this.topology.release(writer);
    }
    // Committed: from here on nothing may turn this into an error.
    const name = writer.node.name;
    const token = await this.writeTokens.after(name, previous);
    const issued = this.issued.get(name);
    if (!token.primaryOnly && token.timeline !== null && (!issued || isNewer(token, { ...issued, primaryOnly: false }))) this.issued.set(name, { timeline: token.timeline, lsn: token.lsn });
    this.count(name, "writes");
    const detail = token.primaryOnly ? "written on the primary; its position could not be read after the commit, so your next reads go to the primary" : "writes go to the primary";
    return { data, consistencyToken: formatToken(token), servedBy: this.servedBy(writer, "write", detail) };
  }

  /** Which nodes other than the writer have replayed the write a consistency token stands for. */
  async replayProgress(consistencyToken: string): Promise<ReplayProgress[]> {
    await this.monitor.start();
    return this.monitor.replayProgress(parseToken(consistencyToken).lsn);
  }

  /** Stops probing and polling and closes every pool (tests, benchmarks, graceful shutdown). */
  async close(): Promise<void> {
    await this.monitor.stop();
    await this.topology.stop();
  }

  counts(): Record<string, NodeCounters> {
    return Object.fromEntries([...this.counters].map(([name, c]) => [name, { ...c }]));
  }

  private async plan(token: ConsistencyToken | undefined, options: ReadOptions): Promise<ReadPlan> {
    // Only a read that goes to the primary needs one: with two nodes claiming it, replicas still serve.
    const onPrimary = (reason: ServedReason, detail: string, waitedMs = 0): ReadPlan => ({ node: this.writerNode(), onPrimary: true, reason, detail, waitedMs });
    const onReplica = (node: NodeEntry, reason: ServedReason, detail: string, waitedMs: number, lsn?: Lsn): ReadPlan => ({ node, onPrimary: false, reason, detail, waitedMs, lsn });
    if (options.from === "primary") return onPrimary("primary-requested", "the read asked for the primary");
    const verdict = token ? await this.judge(token) : undefined;
    if (verdict && verdict.kind !== "replayed-by") return onPrimary(reasonOf(verdict), verdict.detail);
    const routable = this.monitor.routable();
    if (routable.length === 0) return onPrimary("fallback", `no healthy replica (${this.exclusions()})`);
    if (!verdict) return onReplica(this.entryOf(this.next(routable)), "replica", "healthy replica, round robin", 0);
    const target = verdict.lsn;
    const shown = formatToken(token as ConsistencyToken);
    const caughtUp = routable.filter((h) => h.lsn !== undefined && h.lsn >= target);
    if (caughtUp.length > 0) {
      return onReplica(this.entryOf(this.next(caughtUp)), "read-your-writes", `replica has replayed your last write (${shown})`, 0, target);
    }
    const started = performance.now();
    const ready = await this.monitor.waitForReplay(
      routable.map((h) => h.name),
      target,
      this.settings.rywMaxWaitMs,
    );
    const waitedMs = performance.now() - started;
    const readyNode = ready === undefined ? undefined : this.topology.entry(ready); // it may have left while we waited
    if (readyNode) {
      return onReplica(readyNode, "read-your-writes", `waited ${waitedMs.toFixed(1)} ms for the replica to replay your last write (${shown})`, waitedMs, target);
    }
    return onPrimary("fallback", `no replica replayed your last write (${shown}) within ${this.settings.rywMaxWaitMs} ms`, waitedMs);
  }

  /**
   * The token's verdict; a position past the writer's last probe is checked against the writer now (a
   * write may have committed since), and if it is still ahead it is answered at once, never waited for.
   */
  private async judge(token: ConsistencyToken): Promise<TokenVerdict> {
    const line = this.monitor.writerLine();
    const verdict = judgeToken(token, line);
    // Positions only grow along the writer's history, so past its position means not on that history.
    // The position this process last handed out counts too: a read right after a write asks nothing.
    if (verdict.kind !== "replayed-by" || !line?.name || line.lsn === undefined) return verdict;
    const issued = this.issued.get(line.name);
    const known = issued && issued.timeline === line.timeline && issued.lsn > line.lsn ? issued.lsn : line.lsn;
    if (token.lsn <= known) return verdict;
    const now = await this.monitor.askWriter(line.name).catch(() => undefined);
    if (now && now.timeline === line.timeline && token.lsn > now.lsn) return aheadOfWriter(token, now.lsn);
    return verdict;
  }

  /**
   * A read on a replica: hedged to another node if it is slow, retried on another node if the replica
   * fails under it. The first answer wins; the other attempt is left to finish, unheard.
   */
  private async onReplica<T>(plan: ReadPlan, query: (db: ReadClient) => Promise<T>): Promise<ReadResult<T>> {
    const replica = plan.node;
    const started = performance.now();
    const first = this.attempt(replica, query);
    const hedgeDelay = this.hedging.enabled ? this.hedging.delayMs() : undefined;
    const untilCeiling = () => Math.max(0, this.hedging.ceilingMs() - (performance.now() - started));
    const outcome = await settleOrTimeout(first, hedgeDelay);
    if (outcome.state === "ok") {
      this.hedging.record(performance.now() - started);
      this.count(replica.node.name, "readsServed");
      return { data: outcome.value, servedBy: this.servedBy(replica, plan.reason, plan.detail, plan.waitedMs) };
    }
    if (outcome.state === "failed") {
      if (!(outcome.error instanceof ReplicaReadFailed)) throw outcome.error;
      return this.retryElsewhere(plan, outcome.error, query);
    }
    // Slow: if the budget allows, ask another node too and take whichever answers first. With the budget
    // spent, wait up to the ceiling; a replica still silent then is reported slow (it leaves the routing
    // set, so these unbudgeted hedges stop once the reads in flight on it have gone) and hedged anyway:
    // a spent budget must not let a hung replica hold a read until the probes' connect timeout.
    let waitedFor = hedgeDelay ?? 0;
    if (!this.hedging.take()) {
      const late = await settleOrTimeout(first, untilCeiling());
      if (late.state === "ok") {
        this.hedging.record(performance.now() - started);
        this.count(replica.node.name, "readsServed");
        return { data: late.value, servedBy: this.servedBy(replica, plan.reason, plan.detail, plan.waitedMs) };
      }
      if (late.state === "failed") {
        if (late.error instanceof ReplicaReadFailed) return this.retryElsewhere(plan, late.error, query);
        throw late.error;
      }
      this.monitor.reportSlow(replica.node.name);
      waitedFor = this.hedging.ceilingMs();
    }
    this.count(replica.node.name, "hedges");
    const other = this.alternative(plan, replica.node.name);
    const second = other.onPrimary ? this.onPrimary(other.node, query) : this.attempt(other.node, query);
    const winner = await firstSuccess([first.then((value) => ({ value, node: replica })), second.then((value) => ({ value, node: other.node }))]);
    this.hedging.record(performance.now() - started);
    if (winner.state === "failed") {
      const error = winner.errors[1] ?? winner.errors[0];
      throw error instanceof ReplicaReadFailed ? this.unavailableOr(other.node, error.cause) : error;
    }
    const hedged = winner.node !== replica;
    if (!other.onPrimary || !hedged) this.count(winner.node.node.name, "readsServed"); // onPrimary counts its own
    if (!hedged) return { data: winner.value, servedBy: this.servedBy(replica, plan.reason, plan.detail, plan.waitedMs) };
    // Out of routing only if it is still silent at the ceiling: a read that lost the race by a hair, or
    // one that waited for a new pooled connection (TCP, TLS, SCRAM: several ms, more on a busy machine),
    // says nothing, and excluding its replica would pile every read on the others (with one replica,
    // on the primary). A hung replica is still out within the ceiling, 200 ms by default.
    void settleOrTimeout(first, untilCeiling()).then((late) => {
      if (late.state === "slow") this.monitor.reportSlow(replica.node.name);
    });
    const detail = `${replica.node.name} had not answered within ${waitedFor.toFixed(0)} ms; ${other.node.node.name} answered first (${plan.detail})`;
    const reason = other.onPrimary ? "fallback" : plan.reason;
    return { data: winner.value, servedBy: { ...this.servedBy(other.node, reason, detail, plan.waitedMs), hedged: true } };
  }

  /** The replica failed under the read: once more on another node that satisfies the same token. */
  private async retryElsewhere<T>(plan: ReadPlan, failure: ReplicaReadFailed, query: (db: ReadClient) => Promise<T>): Promise<ReadResult<T>> {
    const replica = plan.node.node;
    this.count(replica.name, "fallbacks");
    if (failure.why !== "recovery-conflict") {
      this.count(replica.name, "errors");
      if (failure.why === "connection") this.monitor.reportUnreachable(replica.name, failure.cause); // "lost": the probes already did
    }
    // A recovery conflict is the replica's, not the query's: another replica may serve it. A replica that
    // went away, the primary (as before: it has everything, and the other replicas may be going too).
    const other = failure.why === "recovery-conflict" ? this.alternative(plan, replica.name) : { node: this.writerNode(), onPrimary: true };
    const why = failure.why === "recovery-conflict" ? "was cancelled by a conflict with recovery" : `failed mid-read (${describeConnectionFailure(failure.cause)})`;
    const detail = `${replica.name} ${why}; retried on ${other.node.node.name}`;
    if (other.onPrimary) return { data: await this.onPrimary(other.node, query), servedBy: this.servedBy(other.node, "fallback", detail) };
    const retried = await this.attempt(other.node, query).catch((error) => {
      throw error instanceof ReplicaReadFailed ? this.unavailableOr(other.node, error.cause) : error;
    });
    this.count(other.node.node.name, "readsServed");
    return { data: retried, servedBy: this.servedBy(other.node, plan.reason, detail, plan.waitedMs) };
  }

  /** Another routable node that has replayed what the plan needs, else the primary. */
  private alternative(plan: ReadPlan, not: string): { node: NodeEntry; onPrimary: boolean } {
    const others = this.monitor.routable().filter((h) => h.name !== not && (plan.lsn === undefined || (h.lsn !== undefined && h.lsn >= plan.lsn)));
    return others.length > 0 ? { node: this.entryOf(this.next(others)), onPrimary: false } : { node: this.writerNode(), onPrimary: true };
  }

  /**
   * One read on one replica. It also ends when the probes find the replica gone: a replica that hangs
   * would otherwise hold the read for the whole query timeout.
   */
  private async attempt<T>(replica: NodeEntry, query: (db: ReadClient) => Promise<T>): Promise<T> {
    const name = replica.node.name;
    const client = this.readClient(this.writerNode(), replica);
    // Held until the query itself ends, even when the race below ends first: a leaving node's pool
    // closes only after its last query. `then` also swallows a failure nobody listens for any more.
    this.topology.hold(replica);
    const done = () => this.topology.release(replica);
    let reading: Promise<T>;
    try {
      reading = query(client);
    } catch (error) {
      done();
      throw error;
    }
    reading.then(done, done);
    const { lost, cancel } = this.monitor.whenLost(name);
    try {
      return await Promise.race([reading, lost.then((cause) => Promise.reject(new ReplicaReadFailed(name, cause, "lost")))]);
    } catch (error) {
      if (error instanceof ReplicaReadFailed) throw error;
      if (isConnectionError(error)) throw new ReplicaReadFailed(name, error, "connection");
      if (isRecoveryConflict(error)) throw new ReplicaReadFailed(name, error, "recovery-conflict");
      throw error;
    } finally {
      cancel();
    }
  }

  private async onPrimary<T>(writer: NodeEntry, query: (db: ReadClient) => Promise<T>): Promise<T> {
    this.topology.hold(writer);
    try {
      const data = await query(nodeReadClient(writer.client));
      this.count(writer.node.name, "readsServed");
      return data;
    } catch (error) {
      throw this.unavailableOr(writer, error);
    } finally {
      this.topology.release(writer);
    }
  }

  private unavailableOr({ node }: NodeEntry, error: unknown): unknown {
    if (!isConnectionError(error)) return error;
    this.count(node.name, "errors");
    this.monitor.reportUnreachable(node.name, error);
    return new DatabaseUnavailableError(node.name, node.endpoint, error);
  }

  /**
   * The node writes (and reads on the primary) go to. With none writable, the source's primary, whose
   * failure then says why; but never a node the rules bar (a stale primary, two primaries on one timeline).
   * The monitor knows only nodes in the topology, so its writer always has an entry.
   */
  private writerNode(): NodeEntry {
    const writer = this.monitor.writerName();
    if (writer !== undefined) return this.topology.entry(writer) as NodeEntry;
    const primary = this.topology.configuredPrimary();
    if (!primary) {
      const { description, lastError } = this.topology.status();
      throw new DatabaseUnavailableError("none", "", undefined, `the topology source ${description} lists no nodes${lastError ? ` (${lastError})` : ""}`);
    }
    const health = this.monitor.snapshot();
    const barred = health.filter((h) => !h.routing.routable && (h.routing.kind === "stale-primary" || h.routing.kind === "conflicting-primary"));
    if (barred.length > 0) throw new DatabaseUnavailableError(primary.node.name, primary.node.endpoint, undefined, this.monitor.whyNoWriter());
    return primary;
  }

  private readClient(writer: NodeEntry, replica: NodeEntry): ReadClient {
    let client = replica.readClients.get(writer.node.name);
    if (!client) {
      client = replicaReadClient(writer.client, replica.client);
      replica.readClients.set(writer.node.name, client);
    }
    return client;
  }

  private next<N extends RoutableNode>(candidates: readonly N[]): N {
    this.roundRobin = (this.roundRobin + 1) % Number.MAX_SAFE_INTEGER;
    return candidates[this.roundRobin % candidates.length];
  }

  /** Why each node other than the writer is out, for a fallback's explanation. */
  private exclusions(): string {
    const out = this.monitor.snapshot().filter((h) => !h.routing.routable && h.routing.kind !== "primary");
    return out.length ? out.map((h) => `${h.name} ${h.routing.routable ? "" : h.routing.detail}`).join(", ") : "none configured";
  }

  private servedBy({ node }: NodeEntry, reason: ServedReason, detail: string, waitedMs = 0): ServedBy {
    const role = this.monitor.roleOf(node.name) === "replica" ? "replica" : "primary";
    return { node: node.name, endpoint: node.endpoint, role, reason, detail, waitedMs, hedged: false };
  }

  private count(name: string, field: keyof NodeCounters): void {
    const counters = this.counters.get(name);
    if (counters) counters[field]++;
  }

  /** A node the monitor routes to or writes on: the monitor forgets a node in the same step the topology drops it. */
  private entryOf({ name }: { name: string }): NodeEntry {
    return this.topology.entry(name) as NodeEntry;
  }
}

function reasonOf(verdict: Exclude<TokenVerdict, { kind: "replayed-by" }>): ServedReason {
  const reasons = { "primary-only": "primary-only-token", lost: "write-lost", ahead: "token-ahead", unverifiable: "write-unverifiable" } as const;
  return reasons[verdict.kind];
}

/**
 * A standby cancels queries that conflict with replaying WAL (40001 "canceling statement due to conflict
 * with recovery"; 40P01 for a buffer-pin deadlock). Standbys run no serializable transactions, so on a
 * replica read these codes can only mean that; the query is fine on another node.
 */
function isRecoveryConflict(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === "40001" || state === "40P01";
}

type Settled<T> = { state: "ok"; value: T } | { state: "failed"; error: unknown } | { state: "slow" };

/** The promise's outcome, or "slow" if it has not settled within `ms` (never, when `ms` is undefined). */
function settleOrTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<Settled<T>> {
  const settled = promise.then(
    (value): Settled<T> => ({ state: "ok", value }),
    (error): Settled<T> => ({ state: "failed", error }),
  );
  if (ms === undefined) return settled;
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: "slow" }), ms);
  });
  return Promise.race([settled, slow]).finally(() => clearTimeout(timer));
}

/** The first to succeed, or every error when all fail. */
function firstSuccess<T>(attempts: Promise<T>[]): Promise<({ state: "ok" } & T) | { state: "failed"; errors: unknown[] }> {
  return new Promise((resolve) => {
    const errors: unknown[] = [];
    for (const [i, attempt] of attempts.entries()) {
      attempt.then(
        (value) => resolve({ state: "ok", ...value }),
        (error) => {
          errors[i] = error;
          if (errors.filter((e) => e !== undefined).length === attempts.length) resolve({ state: "failed", errors });
        },
      );
    }
  });
}
