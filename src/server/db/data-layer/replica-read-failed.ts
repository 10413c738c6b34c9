/**
 * How a read on a replica fails in a way another node may not: the replica was found gone, the
 * connection failed, or recovery on the replica cancelled the query. Anything else is the query's own
 * error and is answered as it is.
 */
import { describeConnectionFailure, isConnectionError, sqlStateOf } from "~/replication/connection-errors";

export type ReplicaFailure = "lost" | "connection" | "recovery-conflict";

/** A read given up on its replica: the probes found it unreachable, or it failed in a way another node may not. */
export class ReplicaReadFailed extends Error {
  constructor(
    readonly node: string,
    readonly cause: unknown,
    readonly why: ReplicaFailure,
  ) {
    super(`${node}: read failed (${why})`);
  }
}

/** The error a read on `node` failed with, as a ReplicaReadFailed when another node may serve the read. */
export function replicaFailureOf(node: string, error: unknown): unknown {
  if (error instanceof ReplicaReadFailed) return error;
  if (isConnectionError(error)) return new ReplicaReadFailed(node, error, "connection");
  if (isRecoveryConflict(error)) return new ReplicaReadFailed(node, error, "recovery-conflict");
  return error;
}

/**
 * A standby cancels queries that conflict with replaying WAL (40001 "canceling statement due to conflict
 * with recovery"; 40P01 for a buffer-pin deadlock). Standbys run no serializable transactions, so on a
 * replica read these codes can only mean that; the query is fine on another node.
 */
export function isRecoveryConflict(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === "40001" || state === "40P01";
}

/** What the failure did, in words for `servedBy.detail`. */
export function failureWords(failure: ReplicaReadFailed): string {
  return failure.why === "recovery-conflict"
    ? "was cancelled by a conflict with recovery"
    : `failed mid-read (${describeConnectionFailure(failure.cause)})`;
}
