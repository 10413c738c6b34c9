/** SQL helpers of the cluster manager: its connections (shared with the app's probe) and the bits only it needs. */
export { CONNECT_TIMEOUT_MS, openClient, queryOne, withClient } from "../replication/pg-client";

/** Quotes a literal for the few statements that cannot take parameters (ALTER SYSTEM, CREATE ROLE … PASSWORD). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The node did not accept a connection (stopped, crashed, wrong port), as opposed to a failed statement.
 * ENOENT: a stopped node's Unix socket file is gone (the superuser connects through the private socket).
 */
export function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "ECONNREFUSED" || code === "ENOENT" || code === "ECONNRESET" || code === "ETIMEDOUT" || /timeout expired|Connection terminated/i.test(String((error as Error)?.message));
}
