/** SQL helpers of the cluster manager: its connections (shared with the app's probe) and the bits only it needs. */
export { CONNECT_TIMEOUT_MS, openClient, queryOne, withClient } from "../replication/pg-client";

/** Quotes a literal for the few statements that cannot take parameters (ALTER SYSTEM, CREATE ROLE … PASSWORD). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
