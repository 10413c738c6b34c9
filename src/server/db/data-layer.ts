/**
 * The replica-aware data layer: every database access of the app goes through `read` or `write`.
 *
 * Routing is built on @prisma/extension-read-replicas. For each (writer, replica) pair there is one
 * client `writer.$extends(readReplicas({ replicas: [replica] }))`: the extension keeps doing what it is
 * for (reads to the replica, writes and transactions to the writer), and this layer decides which replica
 * it sees, from the monitor's health and lag figures, instead of the extension's blind random pick.
 * What the bare extension cannot do, this adds:
 *  - a dead, promoted or lagging replica is not chosen (the monitor's routing set);
 *  - a read that fails on a connection error is retried once on the writer: zero failed reads when a
 *    replica dies between two probes;
 *  - read-your-writes: a read carrying a consistency token (the writer's WAL position after the
 *    client's last commit) goes to a replica that has replayed it, waits briefly for one, or uses the writer;
 *  - writes follow a promotion: the writer is whichever configured node is writable;
 *  - every read says which node served it and why.
 */
import { readReplicas } from "@prisma/extension-read-replicas";
import type { PrismaClient } from "~/generated/prisma/client";
import { describeConnectionFailure, isConnectionError } from "./connection-errors";
import { type Lsn, formatLsn, parseLsn } from "./lsn";
import type { DbNode } from "./nodes";
import type { NodeHealth, ReplayProgress, ReplicationMonitor } from "./replication-monitor";

function withReplica(writer: PrismaClient, replica: PrismaClient) {
  return writer.$extends(readReplicas({ replicas: [replica] }));
}

/** What a read callback gets: a client whose reads go to the chosen node. */
export type ReadClient = Pick<ReturnType<typeof withReplica>, "user" | "$queryRaw">;

/**
 * The writer's own client, for reads that fall back to it. The extension adds a query hook and two
 * client methods but no model types, so the delegates are the same at runtime; only TypeScript's
 * generics for extended clients differ from the base client's.
 */
function asReadClient(client: PrismaClient): ReadClient {
  return client as unknown as ReadClient;
}

export type ReadReason = "replica" | "read-your-writes" | "fallback";

export interface ServedBy {
  node: string;
  endpoint: string;
  role: "replica" | "primary";
  reason: ReadReason;
  /** A sentence: why this node, e.g. which replicas were out and why. */
  detail: string;
  /** Time spent waiting for a replica to replay the client's last write (read-your-writes), else 0. */
  waitedMs: number;
}

export interface ReadResult<T> {
  data: T;
  servedBy: ServedBy;
}

export interface WriteResult<T> {
  data: T;
  servedBy: ServedBy;
  /** The writer's WAL flush position after the commit: send it with later reads to read this write. */
  consistencyToken: string;
}

export interface NodeCounters {
  readsServed: number;
  /** Reads meant for this replica that went to the writer because it failed mid-read. */
  fallbacks: number;
  /** Connection errors seen on this node by app queries. */
  errors: number;
  writes: number;
}

/** A read given up because the probes found its replica unreachable while it ran. */
class ReplicaLostError extends Error {
  constructor(
    readonly node: string,
    readonly cause: unknown,
  ) {
    super(`${node} was found unreachable during the read`);
    this.name = "ReplicaLostError";
  }
}

/** The database could not be reached for this request: the API answers SERVICE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly node: string,
    readonly endpoint: string,
    readonly cause: unknown,
  ) {
    super(`The database ${node} (${endpoint}) is unreachable: ${describeConnectionFailure(cause)}`);
    this.name = "DatabaseUnavailableError";
  }
}

export interface DataLayerSettings {
  rywMaxWaitMs: number;
}

export class DataLayer {
  private readonly extended = new Map<string, ReadClient>();
  private readonly counters = new Map<string, NodeCounters>();
  private roundRobin = 0;

  constructor(
    readonly nodes: DbNode[],
    private readonly clients: Map<string, PrismaClient>,
    readonly monitor: ReplicationMonitor,
    private readonly settings: DataLayerSettings,
  ) {
    for (const node of nodes) this.counters.set(node.name, { readsServed: 0, fallbacks: 0, errors: 0, writes: 0 });
  }

  async read<T>(query: (db: ReadClient) => Promise<T>, options: { consistencyToken?: string } = {}): Promise<ReadResult<T>> {
    await this.monitor.start(); // the first call waits for one probe round: route from facts, not guesses
    const writer = this.writerNode();
    const choice = await this.chooseReplica(options.consistencyToken);
    if (!choice.replica) return { data: await this.onWriter(writer, query), servedBy: this.servedBy(writer, "primary", "fallback", choice.detail, choice.waitedMs) };
    // A replica that dies fails the read at once; one that hangs would hold it for the whole query
    // timeout, so the read also ends when the probes find the replica gone.
    const replica = choice.replica;
    const { lost, cancel } = this.monitor.whenLost(replica.name);
    const reading = query(this.readClient(writer, replica));
    reading.catch(() => {}); // if the probes win the race, this read's own failure comes later, unheard
    try {
      const data = await Promise.race([reading, lost.then((cause) => Promise.reject(new ReplicaLostError(replica.name, cause)))]);
      this.count(replica.name, "readsServed");
      return { data, servedBy: this.servedBy(replica, "replica", choice.reason, choice.detail, choice.waitedMs) };
    } catch (error) {
      if (!(error instanceof ReplicaLostError) && !isConnectionError(error)) throw error;
      this.count(replica.name, "errors");
      this.count(replica.name, "fallbacks");
      if (!(error instanceof ReplicaLostError)) this.monitor.reportUnreachable(replica.name, error); // else the probes already did
      const detail = `${replica.name} failed mid-read (${describeConnectionFailure(error)}); retried on the primary`;
      return { data: await this.onWriter(writer, query), servedBy: this.servedBy(writer, "primary", "fallback", detail) };
    } finally {
      cancel();
    }
  }

  async write<T>(mutation: (db: PrismaClient) => Promise<T>): Promise<WriteResult<T>> {
    await this.monitor.start();
    const writer = this.writerNode();
    const client = this.clientOf(writer.name);
    try {
      const data = await mutation(client);
      // After a synchronous commit the flush position is at or past the commit record, and it is what
      // walsenders ship, so replicas reach it (the insert position can sit past a page header no record
      // will fill until the next write: a token that might never be reached).
      const [{ lsn }] = await client.$queryRaw<{ lsn: string }[]>`SELECT pg_current_wal_flush_lsn()::text AS lsn`;
      this.count(writer.name, "writes");
      return { data, consistencyToken: lsn, servedBy: this.servedBy(writer, "primary", "fallback", "writes always go to the primary") };
    } catch (error) {
      throw this.unavailableOr(writer, error);
    }
  }

  /** Which nodes other than the writer have replayed the write a consistency token stands for. */
  async replayProgress(consistencyToken: string): Promise<ReplayProgress[]> {
    await this.monitor.start();
    return this.monitor.replayProgress(parseLsn(consistencyToken));
  }

  /** Stops probing and closes every pool (tests, benchmarks, graceful shutdown). */
  async close(): Promise<void> {
    await this.monitor.stop();
    await Promise.all([...this.clients.values()].map((client) => client.$disconnect()));
  }

  counts(): Record<string, NodeCounters> {
    return Object.fromEntries([...this.counters].map(([name, c]) => [name, { ...c }]));
  }

  private async chooseReplica(token: string | undefined): Promise<{ replica?: DbNode; reason: ReadReason; detail: string; waitedMs?: number }> {
    const routable = this.monitor.routable(); // never includes the writer: its exclusion is "is the writer"
    if (routable.length === 0) return { reason: "fallback", detail: `no healthy replica (${this.exclusions()})` };
    if (token === undefined) {
      const replica = this.next(routable);
      return { replica: this.nodeOf(replica.name), reason: "replica", detail: "healthy replica, round robin" };
    }
    const target = parseLsn(token);
    const caughtUp = routable.filter((h) => h.lsn !== undefined && h.lsn >= target);
    if (caughtUp.length > 0) return { replica: this.nodeOf(this.next(caughtUp).name), reason: "read-your-writes", detail: `replica has replayed your last write (${token})` };
    const started = performance.now();
    const ready = await this.monitor.waitForReplay(routable.map((h) => h.name), target, this.settings.rywMaxWaitMs);
    const waitedMs = performance.now() - started;
    if (ready) return { replica: this.nodeOf(ready), reason: "read-your-writes", waitedMs, detail: `waited ${waitedMs.toFixed(1)} ms for the replica to replay your last write (${token})` };
    return { reason: "fallback", waitedMs, detail: `no replica replayed your last write (${formatLsn(target)}) within ${this.settings.rywMaxWaitMs} ms` };
  }

  private async onWriter<T>(writer: DbNode, query: (db: ReadClient) => Promise<T>): Promise<T> {
    try {
      const data = await query(asReadClient(this.clientOf(writer.name)));
      this.count(writer.name, "readsServed");
      return data;
    } catch (error) {
      throw this.unavailableOr(writer, error);
    }
  }

  private unavailableOr(node: DbNode, error: unknown): unknown {
    if (!isConnectionError(error)) return error;
    this.count(node.name, "errors");
    this.monitor.reportUnreachable(node.name, error);
    return new DatabaseUnavailableError(node.name, node.endpoint, error);
  }

  /** The writable node; the configured primary when none is known (its failure then says why). */
  private writerNode(): DbNode {
    return this.nodeOf(this.monitor.writer()?.name ?? this.nodes[0].name);
  }

  private readClient(writer: DbNode, replica: DbNode): ReadClient {
    const key = `${writer.name}>${replica.name}`;
    let client = this.extended.get(key);
    if (!client) {
      client = withReplica(this.clientOf(writer.name), this.clientOf(replica.name));
      this.extended.set(key, client);
    }
    return client;
  }

  private next(candidates: NodeHealth[]): NodeHealth {
    this.roundRobin = (this.roundRobin + 1) % Number.MAX_SAFE_INTEGER;
    return candidates[this.roundRobin % candidates.length];
  }

  /** Why each node other than the writer is out, for a fallback's explanation. */
  private exclusions(): string {
    const writer = this.monitor.writer()?.name;
    const out = this.monitor.snapshot().filter((h) => h.name !== writer && h.excludedBecause);
    return out.length ? out.map((h) => `${h.name} ${h.excludedBecause}`).join(", ") : "none configured";
  }

  private servedBy(node: DbNode, role: ServedBy["role"], reason: ReadReason, detail: string, waitedMs = 0): ServedBy {
    return { node: node.name, endpoint: node.endpoint, role, reason, detail, waitedMs };
  }

  private count(name: string, field: keyof NodeCounters): void {
    const counters = this.counters.get(name);
    if (counters) counters[field]++;
  }

  private nodeOf(name: string): DbNode {
    return this.nodes.find((n) => n.name === name) as DbNode;
  }

  private clientOf(name: string): PrismaClient {
    return this.clients.get(name) as PrismaClient;
  }
}
