/**
 * Where a read goes, and why: to the primary when asked or when the token says so, else to a routable
 * replica (round robin) that has replayed the token's write, after a short wait for one if none has.
 * Also where a read goes when its replica fails (another that qualifies, else the primary) and which
 * node takes writes. Nothing here runs a query of the app's; it decides from the monitor's facts.
 */
import type { Lsn } from "~/replication/lsn";
import type { ReplicationMonitor, RoutableNode } from "../monitor/replication-monitor";
import type { NodeEntry, Topology } from "../topology/topology";
import { type ConsistencyToken, formatToken, isNewer } from "./consistency-token";
import { DatabaseUnavailableError } from "./database-unavailable";
import { DETAIL, exclusions, reasonOf, type ServedReason } from "./served-by";
import { aheadOfWriter, judgeToken, type TokenVerdict } from "./token-verdict";

export interface ReadOptions {
  /** `"primary"`: read from the writer, e.g. right before a write that depends on the answer. */
  from?: "primary";
}

/** Where a read goes, and why. `lsn` is the position the node must have replayed (read-your-writes). */
export interface ReadPlan {
  node: NodeEntry;
  /** Whether `node` is the primary (a read there is never hedged). */
  onPrimary: boolean;
  reason: ServedReason;
  detail: string;
  waitedMs: number;
  lsn?: Lsn;
}

export class ReadRouting {
  /** The newest position this process handed out in a token, per writer. */
  private readonly issued = new Map<string, { timeline: number; lsn: Lsn }>();
  private roundRobin = 0;

  constructor(
    private readonly topology: Topology,
    private readonly monitor: ReplicationMonitor,
    private readonly rywMaxWaitMs: number,
  ) {}

  async plan(token: ConsistencyToken | undefined, options: ReadOptions): Promise<ReadPlan> {
    // Only a read that goes to the primary needs one: with two nodes claiming it, replicas still serve.
    const onPrimary = (reason: ServedReason, detail: string, waitedMs = 0): ReadPlan => ({
      node: this.writerNode(),
      onPrimary: true,
      reason,
      detail,
      waitedMs,
    });
    const onReplica = (
      node: NodeEntry,
      reason: ServedReason,
      detail: string,
      waitedMs: number,
      lsn?: Lsn,
    ): ReadPlan => ({ node, onPrimary: false, reason, detail, waitedMs, lsn });
    if (options.from === "primary") return onPrimary("primary-requested", DETAIL.primaryRequested);
    const verdict = token ? await this.judge(token) : undefined;
    if (verdict && verdict.kind !== "replayed-by") return onPrimary(reasonOf(verdict), verdict.detail);
    const routable = this.monitor.routable();
    if (routable.length === 0)
      return onPrimary("fallback", DETAIL.noHealthyReplica(exclusions(this.monitor.snapshot())));
    if (!verdict) return onReplica(this.entryOf(this.next(routable)), "replica", DETAIL.roundRobin, 0);
    const target = verdict.lsn;
    const shown = formatToken(token as ConsistencyToken);
    const caughtUp = routable.filter((h) => h.lsn !== undefined && h.lsn >= target);
    if (caughtUp.length > 0) {
      return onReplica(this.entryOf(this.next(caughtUp)), "read-your-writes", DETAIL.replayed(shown), 0, target);
    }
    const started = performance.now();
    const ready = await this.monitor.waitForReplay(
      routable.map((h) => h.name),
      target,
      this.rywMaxWaitMs,
    );
    const waitedMs = performance.now() - started;
    const readyNode = ready === undefined ? undefined : this.topology.entry(ready); // it may have left while we waited
    if (readyNode) return onReplica(readyNode, "read-your-writes", DETAIL.waited(waitedMs, shown), waitedMs, target);
    return onPrimary("fallback", DETAIL.notReplayed(shown, this.rywMaxWaitMs), waitedMs);
  }

  /** A write's token was handed out: a read right after it, with that token, asks the writer nothing. */
  issue(writer: string, token: ConsistencyToken): void {
    const issued = this.issued.get(writer);
    if (!token.primaryOnly && token.timeline !== null && (!issued || isNewer(token, { ...issued, primaryOnly: false })))
      this.issued.set(writer, { timeline: token.timeline, lsn: token.lsn });
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

  /** Another routable node that has replayed what the plan needs, else the primary. */
  alternative(plan: ReadPlan, not: string): { node: NodeEntry; onPrimary: boolean } {
    const others = this.monitor
      .routable()
      .filter((h) => h.name !== not && (plan.lsn === undefined || (h.lsn !== undefined && h.lsn >= plan.lsn)));
    return others.length > 0
      ? { node: this.entryOf(this.next(others)), onPrimary: false }
      : { node: this.writerNode(), onPrimary: true };
  }

  /**
   * The node writes (and reads on the primary) go to. With none writable, the source's primary, whose
   * failure then says why; but never a node the rules bar (a stale primary, two primaries on one timeline).
   * The monitor knows only nodes in the topology, so its writer always has an entry.
   */
  writerNode(): NodeEntry {
    const writer = this.monitor.writerName();
    if (writer !== undefined) return this.topology.entry(writer) as NodeEntry;
    const primary = this.topology.configuredPrimary();
    if (!primary) {
      const { description, lastError } = this.topology.status();
      throw new DatabaseUnavailableError(
        "none",
        "",
        undefined,
        `the topology source ${description} lists no nodes${lastError ? ` (${lastError})` : ""}`,
      );
    }
    const health = this.monitor.snapshot();
    const barred = health.filter(
      (h) => !h.routing.routable && (h.routing.kind === "stale-primary" || h.routing.kind === "conflicting-primary"),
    );
    if (barred.length > 0)
      throw new DatabaseUnavailableError(
        primary.node.name,
        primary.node.endpoint,
        undefined,
        this.monitor.whyNoWriter(),
      );
    return primary;
  }

  private next<N extends RoutableNode>(candidates: readonly N[]): N {
    this.roundRobin = (this.roundRobin + 1) % Number.MAX_SAFE_INTEGER;
    return candidates[this.roundRobin % candidates.length];
  }

  /** A node the monitor routes to or writes on: the monitor forgets a node in the same step the topology drops it. */
  private entryOf({ name }: { name: string }): NodeEntry {
    return this.topology.entry(name) as NodeEntry;
  }
}
