/**
 * Which errors mean "this node is unreachable or went away" rather than "this query is wrong", for every
 * side that talks to PostgreSQL: the app's data layer (only the former may be retried on another node: a read
 * that failed for being a bad read must fail), the cluster manager's probes, and the schema-engine shim
 * (which maps them to Prisma's P1xxx codes).
 *
 * Prisma reports them with its own codes (P1000 authentication failed, P1001 can't reach, P1003 no such
 * database, P1008 timeout, P1017 connection closed) or, when PostgreSQL ended the session (shutdown, crash,
 * promotion), as P2039 carrying the SQLSTATE from adapter-pg: class 08 (connection exception) and
 * 57P01-57P03 (admin/crash shutdown, cannot connect now). Raw `pg` errors carry the SQLSTATE or a Node
 * socket error code directly.
 */
import { causeChain, type ErrorLike } from "./cause-chain";

/** How a socket failed, from one error's Node code or `pg`'s message (which is all a timeout leaves). */
export type SocketFailure = "unreachable" | "timed-out" | "closed";

/**
 * Nothing answered at that address. ENOENT: a stopped node's Unix socket file is gone (the cluster manager's
 * superuser connects through the private socket).
 */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ENOENT"]);
const CLOSED_CODES = new Set(["ECONNRESET", "EPIPE"]);
// pg.Client's connectionTimeoutMillis says "timeout expired", pg.Pool's "timeout exceeded when trying to connect".
const TIMEOUT_MESSAGE =
  /timeout expired|timeout exceeded when trying to connect|connection timeout|Query read timeout/i;
const CLOSED_MESSAGE = /Connection terminated|Client has encountered a connection error/i;

/** The socket failure this one error (not its causes) reports, or undefined. */
export function socketFailureOf(error: unknown): SocketFailure | undefined {
  const e = (error ?? {}) as ErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (UNREACHABLE_CODES.has(code)) return "unreachable";
  if (code === "ETIMEDOUT" || TIMEOUT_MESSAGE.test(message)) return "timed-out";
  if (CLOSED_CODES.has(code) || CLOSED_MESSAGE.test(message)) return "closed";
  return undefined;
}

/** The node did not accept a connection or dropped it, as opposed to a failed statement (a raw `pg` error). */
export function isUnreachable(error: unknown): boolean {
  return socketFailureOf(error) !== undefined;
}

const PRISMA_CONNECTION_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1017"]);
// 28P01/28000: the server refused the credentials; 3D000: no such database. Not the query's fault, and
// the same for every query on that node: for routing, the node is as good as unreachable.
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "28P01", "28000", "3D000"]);
const ADAPTER_CONNECTION_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);

function isConnectionSqlState(code: string): boolean {
  return SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

/** Anywhere down the cause chain: a Prisma connection code, a connection SQLSTATE, or a socket failure. */
export function isConnectionError(error: unknown): boolean {
  return causeChain(error).some((e) => {
    const code = typeof e.code === "string" ? e.code : "";
    if (PRISMA_CONNECTION_CODES.has(code) || isConnectionSqlState(code) || socketFailureOf(e)) return true;
    const adapterCause = e.meta?.driverAdapterError?.cause;
    if (adapterCause?.kind && ADAPTER_CONNECTION_KINDS.has(adapterCause.kind)) return true;
    return adapterCause?.originalCode !== undefined && isConnectionSqlState(adapterCause.originalCode);
  });
}

/** One level's cause in our own words, or undefined to look further down. */
function describeOne(e: ErrorLike): string | undefined {
  // The SQLSTATE or failure kind from adapter-pg is more specific than Prisma's wrapping code (P2039).
  const adapterCause = e.meta?.driverAdapterError?.cause;
  const code =
    adapterCause?.originalCode ??
    (adapterCause?.kind !== "postgres" ? adapterCause?.kind : undefined) ??
    (typeof e.code === "string" ? e.code : "");
  if (code === "ECONNREFUSED" || code === "P1001" || code === "DatabaseNotReachable") return "connection refused";
  if (code === "ETIMEDOUT" || code === "P1008" || code === "SocketTimeout" || /timeout/i.test(String(e.message)))
    return "timed out";
  if (code === "57P01" || code === "57P02") return "the server shut down";
  if (code === "57P03") return "the server is starting up or shutting down";
  if (code === "28P01" || code === "28000" || code === "P1000")
    return "the server refused the app's credentials (check the user and password in its URL)";
  if (code === "3D000" || code === "P1003") return "the database in its URL does not exist";
  if (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "P1017" ||
    code === "ConnectionClosed" ||
    /terminated/i.test(String(e.message))
  )
    return "connection closed";
  return undefined;
}

/**
 * A short cause in our own words, for messages people see: never the driver's text, which may be empty
 * or carry Prisma's internals.
 */
export function describeConnectionFailure(error: unknown): string {
  for (const e of causeChain(error)) {
    const described = describeOne(e);
    if (described) return described;
  }
  return "connection lost";
}

/** The SQLSTATE PostgreSQL answered with ("25006"), wherever Prisma or adapter-pg put it, or undefined. */
export function sqlStateOf(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const original = e.meta?.driverAdapterError?.cause?.originalCode;
    if (original) return original;
    // Five characters like a SQLSTATE, but not Prisma's own P1xxx-P6xxx (P0001-P0004 are PL/pgSQL's).
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && !/^P[1-9]\d{3}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The first error code down the cause chain, for log lines (ECONNREFUSED's message can be empty). */
export function firstErrorCode(error: unknown): string | undefined {
  const code = causeChain(error).find((e) => e.code !== undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
