/**
 * Which errors mean "this node is unreachable or went away" rather than "this query is wrong". Only the
 * former may be retried on another node: a read that failed for being a bad read must fail.
 *
 * Prisma reports them with its own codes (P1001 can't reach, P1008 timeout, P1017 connection closed) or,
 * when PostgreSQL ended the session (shutdown, crash, promotion), as P2039 carrying the SQLSTATE from
 * adapter-pg: class 08 (connection exception) and 57P01-57P03 (admin/crash shutdown, cannot connect now).
 * Raw `pg` errors carry the SQLSTATE or a Node socket error code directly.
 */
const PRISMA_CONNECTION_CODES = new Set(["P1001", "P1002", "P1008", "P1017"]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND"]);
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /Query read timeout/i];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
  cause?: unknown;
}

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const e = error as ErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  if (PRISMA_CONNECTION_CODES.has(code) || SOCKET_CODES.has(code) || isConnectionSqlState(code)) return true;
  const adapterCause = e.meta?.driverAdapterError?.cause;
  if (adapterCause?.kind === "DatabaseNotReachable" || adapterCause?.kind === "ConnectionClosed" || adapterCause?.kind === "SocketTimeout") return true;
  if (adapterCause?.originalCode && isConnectionSqlState(adapterCause.originalCode)) return true;
  if (typeof e.message === "string" && MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  return isConnectionError(e.cause, depth + 1);
}

function isConnectionSqlState(code: string): boolean {
  return SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}
