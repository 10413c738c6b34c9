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
 *    conflict on another node: zero failed reads when a replica dies between two probes
 *    (./replica-read-failed.ts);
 *  - a replica read slower than almost all recent ones is also sent to another node (./hedging.ts);
 *  - read-your-writes across failovers: a token names its write's timeline and position; a read carrying
 *    one goes to a replica that has replayed it, waits briefly for one, or uses the primary, and a token
 *    whose write a failover lost is said to be lost (./read-routing.ts, ./token-verdict.ts);
 *  - writes go to the one writable node on the newest timeline; a committed write is never answered as
 *    an error (./write-tokens.ts);
 *  - every read says which node served it and why (./served-by.ts);
 *  - the node set follows the topology source at run time (../topology/): a node that joins is routed to
 *    once probed healthy, one that leaves gets no new work and is closed when its queries end.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import { isConnectionError } from "~/replication/connection-errors";
import type { ReplayProgress, ReplicationMonitor } from "../monitor/replication-monitor";
import type { DbNode } from "../topology/db-node";
import type { NodeEntry, Topology, TopologyStatus } from "../topology/topology";
import { type ConsistencyToken, formatToken, isNewer, parseToken } from "./consistency-token";
import { DatabaseUnavailableError } from "./database-unavailable";
import { Hedging } from "./hedging";
import { firstSuccess, settleOrTimeout } from "./races";
import { nodeReadClient, type ReadClient, replicaReadClient } from "./read-client";
import { type ReadOptions, type ReadPlan, ReadRouting } from "./read-routing";
import { failureWords, ReplicaReadFailed, replicaFailureOf } from "./replica-read-failed";
import { DETAIL, type ServedBy, type ServedReason, servedBy } from "./served-by";
import { WriteTokens } from "./write-tokens";

export { DatabaseUnavailableError } from "./database-unavailable";
export type { ReadClient } from "./read-client";
export type { ReadOptions } from "./read-routing";
export { SERVED_REASONS, type ServedBy, type ServedReason } from "./served-by";

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

export interface DataLayerSettings {
  rywMaxWaitMs: number;
  /** Never hedge a replica read sooner than this; 0 turns hedging off. */
  hedgeFloorMs: number;
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
  private readonly routing: ReadRouting;

  constructor(
    private readonly topology: Topology,
    readonly monitor: ReplicationMonitor,
    settings: DataLayerSettings,
  ) {
    const fresh = (): NodeCounters => ({ readsServed: 0, fallbacks: 0, hedges: 0, errors: 0, writes: 0 });
    for (const node of topology.nodes()) this.counters.set(node.name, fresh());
    topology.subscribe({
      joined: (node) => this.counters.set(node.name, fresh()),
      // A node that left and came back under its name has its new counters already.
      closed: (node) => void (topology.entry(node.name) || this.counters.delete(node.name)),
    });
    this.hedging = new Hedging({ floorMs: settings.hedgeFloorMs });
    this.routing = new ReadRouting(topology, monitor, settings.rywMaxWaitMs);
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

  private async read<T>(
    query: (db: ReadClient) => Promise<T>,
    token: ConsistencyToken | undefined,
    options: ReadOptions = {},
  ): Promise<ReadResult<T>> {
    await this.monitor.start(); // the first call waits for one probe round: route from facts, not guesses
    const plan = await this.routing.plan(token, options);
    if (plan.onPrimary) {
      return {
        data: await this.onPrimary(plan.node, query),
        servedBy: this.servedBy(plan.node, plan.reason, plan.detail, plan.waitedMs),
      };
    }
    return this.onReplica(plan, query);
  }

  private async write<T>(
    mutation: (db: PrismaClient) => Promise<T>,
    previous: ConsistencyToken | undefined,
  ): Promise<WriteResult<T>> {
    await this.monitor.start();
    const writer = this.routing.writerNode();
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
    this.routing.issue(name, token);
    this.count(name, "writes");
    return {
      data,
      consistencyToken: formatToken(token),
      servedBy: this.servedBy(writer, "write", DETAIL.written(token.primaryOnly)),
    };
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
    const other = this.routing.alternative(plan, replica.node.name);
    const second = other.onPrimary ? this.onPrimary(other.node, query) : this.attempt(other.node, query);
    const winner = await firstSuccess([
      first.then((value) => ({ value, node: replica })),
      second.then((value) => ({ value, node: other.node })),
    ]);
    this.hedging.record(performance.now() - started);
    if (winner.state === "failed") {
      const error = winner.errors[1] ?? winner.errors[0];
      throw error instanceof ReplicaReadFailed ? this.unavailableOr(other.node, error.cause) : error;
    }
    const hedged = winner.node !== replica;
    if (!other.onPrimary || !hedged) this.count(winner.node.node.name, "readsServed"); // onPrimary counts its own
    if (!hedged)
      return { data: winner.value, servedBy: this.servedBy(replica, plan.reason, plan.detail, plan.waitedMs) };
    // Out of routing only if it is still silent at the ceiling: a read that lost the race by a hair, or
    // one that waited for a new pooled connection (TCP, TLS, SCRAM: several ms, more on a busy machine),
    // says nothing, and excluding its replica would pile every read on the others (with one replica,
    // on the primary). A hung replica is still out within the ceiling, 200 ms by default.
    void settleOrTimeout(first, untilCeiling()).then((late) => {
      if (late.state === "slow") this.monitor.reportSlow(replica.node.name);
    });
    const detail = DETAIL.hedged(replica.node.name, waitedFor, other.node.node.name, plan.detail);
    const reason = other.onPrimary ? "fallback" : plan.reason;
    return {
      data: winner.value,
      servedBy: { ...this.servedBy(other.node, reason, detail, plan.waitedMs), hedged: true },
    };
  }

  /** The replica failed under the read: once more on another node that satisfies the same token. */
  private async retryElsewhere<T>(
    plan: ReadPlan,
    failure: ReplicaReadFailed,
    query: (db: ReadClient) => Promise<T>,
  ): Promise<ReadResult<T>> {
    const replica = plan.node.node;
    this.count(replica.name, "fallbacks");
    if (failure.why !== "recovery-conflict") {
      this.count(replica.name, "errors");
      if (failure.why === "connection") this.monitor.reportUnreachable(replica.name, failure.cause); // "lost": the probes already did
    }
    // A recovery conflict is the replica's, not the query's: another replica may serve it. A replica that
    // went away, the primary (as before: it has everything, and the other replicas may be going too).
    const other =
      failure.why === "recovery-conflict"
        ? this.routing.alternative(plan, replica.name)
        : { node: this.routing.writerNode(), onPrimary: true };
    const detail = DETAIL.retried(replica.name, failureWords(failure), other.node.node.name);
    if (other.onPrimary)
      return { data: await this.onPrimary(other.node, query), servedBy: this.servedBy(other.node, "fallback", detail) };
    const retried = await this.attempt(other.node, query).catch((error) => {
      throw error instanceof ReplicaReadFailed ? this.unavailableOr(other.node, error.cause) : error;
    });
    this.count(other.node.node.name, "readsServed");
    return { data: retried, servedBy: this.servedBy(other.node, plan.reason, detail, plan.waitedMs) };
  }

  /**
   * One read on one replica. It also ends when the probes find the replica gone: a replica that hangs
   * would otherwise hold the read for the whole query timeout.
   */
  private async attempt<T>(replica: NodeEntry, query: (db: ReadClient) => Promise<T>): Promise<T> {
    const name = replica.node.name;
    const client = this.readClient(this.routing.writerNode(), replica);
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
      return await Promise.race([
        reading,
        lost.then((cause) => Promise.reject(new ReplicaReadFailed(name, cause, "lost"))),
      ]);
    } catch (error) {
      throw replicaFailureOf(name, error);
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

  private readClient(writer: NodeEntry, replica: NodeEntry): ReadClient {
    let client = replica.readClients.get(writer.node.name);
    if (!client) {
      client = replicaReadClient(writer.client, replica.client);
      replica.readClients.set(writer.node.name, client);
    }
    return client;
  }

  private servedBy({ node }: NodeEntry, reason: ServedReason, detail: string, waitedMs = 0): ServedBy {
    return servedBy(node, this.monitor.roleOf(node.name), reason, detail, waitedMs);
  }

  private count(name: string, field: keyof NodeCounters): void {
    const counters = this.counters.get(name);
    if (counters) counters[field]++;
  }
}
