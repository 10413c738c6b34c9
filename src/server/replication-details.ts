/**
 * What replication.status shows beyond the monitor's probes: each node's timeline and WAL receiver, and
 * the writer's pg_stat_replication and slots (the SQL is the cluster manager's too: ~/replication/status).
 * Gathered over the monitor's pooled connections, one round trip per node, and shared: a round serves
 * every caller for DETAILS_MAX_AGE_MS, and callers during a round wait for it, so any number of admin
 * pages polling every second cost each node at most about one query a second.
 */
import {
  type NodeQuery,
  type SelfStatus,
  type SlotStatus,
  type StreamStatus,
  selfStatus,
  streamOf,
  writerView,
} from "~/replication/status";
import type { ClusterControl } from "~/server/api/cluster-control";
import type { DataLayer } from "~/server/db/data-layer/data-layer";

/** How long one round of details answers callers: the admin page polls every second. */
export const DETAILS_MAX_AGE_MS = 1_000;

export interface NodeDetails {
  /** The node's own answer, or undefined when it gave none (see `error`). */
  self?: SelfStatus;
  error?: string;
  /** The writer's view of this replica; null for the writer itself or when the writer did not answer. */
  stream: StreamStatus | null;
  slot: SlotStatus | null;
}

export interface ReplicationDetails {
  /** When the round started (ms since 1970). */
  at: number;
  nodes: Map<string, NodeDetails>;
  /** The embedded cluster's fenced former primaries (none elsewhere). */
  fenced: Set<string>;
}

interface Round {
  startedAt: number;
  settled: boolean;
  details: Promise<ReplicationDetails>;
}

const rounds = new WeakMap<DataLayer, Round>();

export function replicationDetails(db: DataLayer, cluster?: ClusterControl): Promise<ReplicationDetails> {
  const last = rounds.get(db);
  if (last && (!last.settled || performance.now() - last.startedAt < DETAILS_MAX_AGE_MS)) return last.details;
  const round: Round = { startedAt: performance.now(), settled: false, details: gather(db, cluster) };
  void round.details.then(
    () => (round.settled = true),
    () => rounds.delete(db), // never keep a failed round
  );
  rounds.set(db, round);
  return round.details;
}

/** After a lever changed the cluster (pause, resume, promote): the next caller gets a fresh round. */
export function forgetReplicationDetails(db: DataLayer): void {
  rounds.delete(db);
}

async function gather(db: DataLayer, cluster: ClusterControl | undefined): Promise<ReplicationDetails> {
  const at = Date.now();
  const query =
    (node: string): NodeQuery =>
    (sql, params) =>
      db.monitor.query(node, sql, params);
  const writer = db.monitor.writer()?.name;
  // A node the probes found unreachable is not asked: its connect timeout would hold up every caller.
  const ask = async ({
    name,
    reachable,
    error,
  }: {
    name: string;
    reachable: boolean;
    error?: string;
  }): Promise<[string, Pick<NodeDetails, "self" | "error">]> => {
    if (!reachable) return [name, { error: error ?? "unreachable" }];
    try {
      return [name, { self: await selfStatus(query(name)) }];
    } catch (failure) {
      return [name, { error: (failure as Error).message }];
    }
  };
  const [answers, view] = await Promise.all([
    Promise.all(db.monitor.snapshot().map(ask)),
    writer ? writerView(query(writer)).catch(() => undefined) : undefined,
  ]);
  const nodes = new Map<string, NodeDetails>();
  for (const [name, answer] of answers) {
    const replica =
      answer.self?.inRecovery === true && view
        ? streamOf(view, { name, walReceiver: answer.self.walReceiver })
        : undefined;
    nodes.set(name, { ...answer, stream: replica?.stream ?? null, slot: replica?.slot ?? null });
  }
  return { at, nodes, fenced: new Set(cluster?.fencedNodes() ?? []) };
}
