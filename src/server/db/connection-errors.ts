/**
 * Which errors mean "this node is unreachable or went away" rather than "this query is wrong". Only the
 * former may be retried on another node: a read that failed for being a bad read must fail.
 *
 * Prisma reports them with its own codes (P1000 authentication failed, P1001 can't reach, P1003 no such
 * database, P1008 timeout, P1017 connection closed) or,
 * when PostgreSQL ended the session (shutdown, crash, promotion), as P2039 carrying the SQLSTATE from
 * adapter-pg: class 08 (connection exception) and 57P01-57P03 (admin/crash shutdown, cannot connect now).
 * Raw `pg` errors carry the SQLSTATE or a Node socket error code directly.
 */
const PRISMA_CONNECTION_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1017"]);
// 28P01/28000: the server refused the credentials; 3D000: no such database. Not the query's fault, and
// the same for every query on that node: for routing, the node is as good as unreachable.
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "28P01", "28000", "3D000"]);
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

/**
 * A short cause in our own words, for messages people see: never the driver's text, which may be empty
 * or carry Prisma's internals.
 */
export function describeConnectionFailure(error: unknown, depth = 0): string {
  const e = (error ?? {}) as ErrorLike;
  // The SQLSTATE or failure kind from adapter-pg is more specific than Prisma's wrapping code (P2039).
  const adapterCause = e.meta?.driverAdapterError?.cause;
  const code = adapterCause?.originalCode ?? (adapterCause?.kind !== "postgres" ? adapterCause?.kind : undefined) ?? (typeof e.code === "string" ? e.code : "");
  if (code === "ECONNREFUSED" || code === "P1001" || code === "DatabaseNotReachable") return "connection refused";
  if (code === "ETIMEDOUT" || code === "P1008" || code === "SocketTimeout" || /timeout/i.test(String(e.message))) return "timed out";
  if (code === "57P01" || code === "57P02") return "the server shut down";
  if (code === "57P03") return "the server is starting up or shutting down";
  if (code === "28P01" || code === "28000" || code === "P1000") return "the server refused the app's credentials (check the user and password in its URL)";
  if (code === "3D000" || code === "P1003") return "the database in its URL does not exist";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "P1017" || code === "ConnectionClosed" || /terminated/i.test(String(e.message))) return "connection closed";
  if (depth < 4 && e.cause) return describeConnectionFailure(e.cause, depth + 1);
  return "connection lost";
}

/** The SQLSTATE PostgreSQL answered with ("25006"), wherever Prisma or adapter-pg put it, or undefined. */
export function sqlStateOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 4) return undefined;
  const e = error as ErrorLike;
  const original = e.meta?.driverAdapterError?.cause?.originalCode;
  if (original) return original;
  // Five characters like a SQLSTATE, but not Prisma's own P1xxx-P6xxx (P0001-P0004 are PL/pgSQL's).
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && !/^P[1-9]\d{3}$/.test(e.code)) return e.code;
  return sqlStateOf(e.cause, depth + 1);
}
