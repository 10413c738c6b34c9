/**
 * What a read or write answers about where it ran: the node, its role, the reason as data and a sentence
 * for people. Every sentence the data layer puts in `servedBy.detail` is made here.
 */
import type { NodeHealth } from "../monitor/replication-monitor";
import type { NodeRole } from "../monitor/routing-state";
import type { TokenVerdict } from "./token-verdict";

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

/** A node that is not (now) a replica is told as the primary: whatever it is, the read did not go to a replica. */
export function servedBy(
  node: { name: string; endpoint: string },
  role: NodeRole,
  reason: ServedReason,
  detail: string,
  waitedMs = 0,
): ServedBy {
  return {
    node: node.name,
    endpoint: node.endpoint,
    role: role === "replica" ? "replica" : "primary",
    reason,
    detail,
    waitedMs,
    hedged: false,
  };
}

/** The reason a token's verdict sends a read to the primary. */
export function reasonOf(verdict: Exclude<TokenVerdict, { kind: "replayed-by" }>): ServedReason {
  const reasons = {
    "primary-only": "primary-only-token",
    lost: "write-lost",
    ahead: "token-ahead",
    unverifiable: "write-unverifiable",
  } as const;
  return reasons[verdict.kind];
}

/** Why each node other than the writer is out, for a fallback's explanation. */
export function exclusions(health: readonly NodeHealth[]): string {
  const out = health.filter((h) => !h.routing.routable && h.routing.kind !== "primary");
  return out.length
    ? out.map((h) => `${h.name} ${h.routing.routable ? "" : h.routing.detail}`).join(", ")
    : "none configured";
}

/** The sentences of `servedBy.detail`; `token` is the client's token as sent. */
export const DETAIL = {
  primaryRequested: "the read asked for the primary",
  roundRobin: "healthy replica, round robin",
  noHealthyReplica: (why: string) => `no healthy replica (${why})`,
  replayed: (token: string) => `replica has replayed your last write (${token})`,
  waited: (waitedMs: number, token: string) =>
    `waited ${waitedMs.toFixed(1)} ms for the replica to replay your last write (${token})`,
  notReplayed: (token: string, maxWaitMs: number) =>
    `no replica replayed your last write (${token}) within ${maxWaitMs} ms`,
  hedged: (slow: string, waitedMs: number, answered: string, planned: string) =>
    `${slow} had not answered within ${waitedMs.toFixed(0)} ms; ${answered} answered first (${planned})`,
  retried: (failed: string, why: string, other: string) => `${failed} ${why}; retried on ${other}`,
  written: (primaryOnly: boolean) =>
    primaryOnly
      ? "written on the primary; its position could not be read after the commit, so your next reads go to the primary"
      : "writes go to the primary",
} as const;
