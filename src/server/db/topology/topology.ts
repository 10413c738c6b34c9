/**
 * The node set at run time: which nodes exist (polled from a TopologySource), each with its query client.
 * The monitor and the data layer subscribe to it. A node that joins gets a client and is handed to the
 * monitor, which routes to it only once a probe found it healthy. A node that leaves gets no new work at
 * once (the monitor drops it); reads and writes already running on it finish (or fail over by the data
 * layer's retry rules), then its pool is closed.
 */
import type { PrismaClient } from "~/generated/prisma/client";
import type { ReadClient } from "../data-layer/read-client";
import { type DbNode, dbNodeOf } from "./db-node";
import { diffTopology, isEmptyChange } from "./diff";
import { createNodeClient, type PoolSettings } from "./node-client";
import type { DiscoveredNode, TopologyKind, TopologySource } from "./source";

export interface NodeEntry {
  readonly node: DbNode;
  readonly client: PrismaClient;
  /** Reads and writes running on it now; a node that left is closed when this reaches 0. */
  inFlight: number;
  /** Left the topology: no new work, closed once idle. */
  leaving: boolean;
  /** Read clients with this node as the replica, per writer name (built once, reused by every read). */
  readonly readClients: Map<string, ReadClient>;
  /** Set while leaving: called when the last running query on it ends. */
  onIdle?: () => void;
}

export interface TopologyListener {
  /** A new node: not yet probed. */
  joined?(node: DbNode): void;
  /** Gone from the source: give it no new work. */
  left?(node: DbNode): void;
  /** The role the source believes changed (a switchover). */
  reassigned?(node: DbNode): void;
  /** Its queries ended (or the drain timed out) and its client was closed. */
  closed?(node: DbNode): void;
}

export interface TopologySettings {
  pools: PoolSettings;
  pollIntervalMs: number;
  /** The longest a leaving node's running queries are waited for before its pool is closed anyway. */
  drainTimeoutMs: number;
  log?: (line: string) => void;
}

export interface TopologyStatus {
  kind: TopologyKind;
  description: string;
  /** When the source last answered (ISO), null before it first did. */
  lastDiscoveryAt: string | null;
  /** Why the last poll failed, null when it answered; the node set then stays as it was. */
  lastError: string | null;
  /** Nodes that left and still finish queries. */
  draining: string[];
}

export class Topology {
  private readonly entries = new Map<string, NodeEntry>();
  private readonly draining = new Set<NodeEntry>();
  private readonly listeners: TopologyListener[] = [];
  private lastDiscoveryAt: Date | undefined;
  private lastError: string | undefined;
  private firstDiscovery: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: AbortController | undefined;
  private stopped = false;

  /** `initial`: the nodes to start with when they are known without asking (static URLs, the state file read at start). */
  constructor(
    readonly source: TopologySource,
    private readonly settings: TopologySettings,
    initial: DiscoveredNode[] = [],
  ) {
    this.apply(initial, { tell: false });
    if (initial.length > 0) this.lastDiscoveryAt = new Date();
  }

  /** The nodes in use, in the source's order. */
  nodes(): DbNode[] {
    return [...this.entries.values()].map((e) => e.node);
  }

  /** A node in use; undefined when it left (or never was). */
  entry(name: string): NodeEntry | undefined {
    return this.entries.get(name);
  }

  /** The node the source calls primary, else the first one: where writes go while the probes know no writer. */
  configuredPrimary(): NodeEntry | undefined {
    let first: NodeEntry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.node.configuredRole === "primary") return entry;
      first ??= entry;
    }
    return first;
  }

  subscribe(listener: TopologyListener): void {
    this.listeners.push(listener);
  }

  /** Starts polling; resolves after the first answer (or failure), so the first probes see the source's nodes. */
  start(): Promise<void> {
    this.firstDiscovery ??= this.refresh().then(() => this.schedule());
    return this.firstDiscovery;
  }

  /** Asks the source once and applies the answer; a failed answer keeps the nodes as they are. */
  async refresh(): Promise<void> {
    const controller = new AbortController();
    this.polling = controller;
    const timeout = setTimeout(() => controller.abort(), Math.max(this.settings.pollIntervalMs, 1_000));
    try {
      const discovered = await this.source.discover(controller.signal);
      if (this.stopped) return;
      this.lastDiscoveryAt = new Date();
      if (this.lastError !== undefined) this.settings.log?.(`topology source ${this.source.description} answers again`);
      this.lastError = undefined;
      this.apply(discovered, { tell: true });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      if (message !== this.lastError)
        this.settings.log?.(
          `topology source ${this.source.description} did not answer, keeping ${this.entries.size} nodes: ${message}`,
        );
      this.lastError = message;
    } finally {
      clearTimeout(timeout);
      this.polling = undefined;
    }
  }

  status(): TopologyStatus {
    return {
      kind: this.source.kind,
      description: this.source.description,
      lastDiscoveryAt: this.lastDiscoveryAt?.toISOString() ?? null,
      lastError: this.lastError ?? null,
      draining: [...this.draining].map((e) => e.node.name),
    };
  }

  /** Marks a query running on the node; pair with `release`. */
  hold(entry: NodeEntry): void {
    entry.inFlight++;
  }

  release(entry: NodeEntry): void {
    entry.inFlight--;
    if (entry.inFlight === 0) entry.onIdle?.();
  }

  /** Stops polling and closes every client now, leaving ones included. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.polling?.abort();
    const all = [...this.entries.values(), ...this.draining];
    this.entries.clear();
    this.draining.clear();
    for (const entry of all) entry.onIdle?.(); // ends the drains' waits: these pools close here
    await Promise.all(all.map((e) => e.client.$disconnect().catch(() => {})));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), this.settings.pollIntervalMs);
    this.timer.unref(); // the topology alone never keeps a process alive
  }

  private apply(discovered: DiscoveredNode[], { tell }: { tell: boolean }): void {
    const change = diffTopology(
      [...this.entries.values()].map((e) => e.node),
      discovered,
    );
    if (isEmptyChange(change)) return;
    for (const name of change.left) this.leave(name);
    for (const found of change.joined) {
      const node = dbNodeOf(found);
      this.entries.set(node.name, {
        node,
        client: createNodeClient(node, this.settings.pools),
        inFlight: 0,
        leaving: false,
        readClients: new Map(),
      });
      if (tell) this.settings.log?.(`${node.name} (${node.endpoint}) joined the topology (${this.source.description})`);
      for (const l of this.listeners) l.joined?.(node);
    }
    for (const found of change.reassigned) {
      const node = this.entries.get(found.name)?.node as DbNode;
      node.configuredRole = found.role ?? "replica";
      for (const l of this.listeners) l.reassigned?.(node);
    }
  }

  private leave(name: string): void {
    const entry = this.entries.get(name) as NodeEntry;
    this.entries.delete(name);
    entry.leaving = true;
    this.draining.add(entry);
    this.settings.log?.(
      `${name} (${entry.node.endpoint}) left the topology; closing it after ${entry.inFlight} running queries`,
    );
    for (const l of this.listeners) l.left?.(entry.node);
    // Read clients built over a leaving writer must not serve new reads either.
    for (const other of this.entries.values()) other.readClients.delete(name);
    void this.drain(entry);
  }

  private async drain(entry: NodeEntry): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    if (entry.inFlight > 0) {
      await new Promise<void>((resolve) => {
        entry.onIdle = resolve;
        timer = setTimeout(resolve, this.settings.drainTimeoutMs);
        timer.unref();
      });
      clearTimeout(timer);
    }
    if (!this.draining.delete(entry)) return; // stop() closed it already
    await entry.client.$disconnect().catch(() => {});
    for (const l of this.listeners) l.closed?.(entry.node);
  }
}
