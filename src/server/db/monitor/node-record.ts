/**
 * What the monitor keeps per node (facts from the probes, the routing decided from them, the questions
 * in flight), the node's own small probe pool, and the health it reports of it.
 */
import pg from "pg";
import type { Lsn } from "~/replication/lsn";
import type { DbNode } from "../topology/db-node";
import type { ProbeMode } from "./node-probe";
import type { ReplayAsked } from "./replay-questions";
import type { Lag, NodeFacts } from "./routing-rules";
import type { ConfiguredRole, NodeRole, Routing } from "./routing-state";

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

export interface NodeRecord extends NodeFacts, ProbeMode, ReplayAsked {
  node: DbNode;
  role: NodeRole;
  lag: Lag;
  routing: Routing;
  lastProbeAt?: Date;
  failure?: string;
  /** When a read on it was hedged; a probe that started later and answered clears it. */
  suspectSince?: number;
  /** The writer-position question in flight (askWriter). */
  askingWriter?: Promise<{ lsn: Lsn; timeline: number }>;
}

/** A node just added: nothing known yet, routed to once a probe found it healthy. */
export function newNodeRecord(node: DbNode): NodeRecord {
  return {
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
  };
}

/** The node's probe pool: small, so probes, replay questions and token queries never compete with the query pools. */
export function probePool(node: DbNode, connectTimeoutMs: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: node.url,
    max: 4,
    connectionTimeoutMillis: connectTimeoutMs,
    query_timeout: Math.max(connectTimeoutMs, 1_000),
    idleTimeoutMillis: 30_000,
    application_name: "tandem-monitor",
  });
  pool.on("error", () => {}); // an idle connection dropped by a dying server
  return pool;
}

export function healthOf(r: NodeRecord): NodeHealth {
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
