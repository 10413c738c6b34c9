/**
 * How failures reach API clients. Two steps, each in one place:
 *  - `translateError` (a middleware on every procedure): gives the errors we know a meaning: a duplicate
 *    email is CONFLICT, a missing row NOT_FOUND, an unreachable database SERVICE_UNAVAILABLE, bad input
 *    BAD_REQUEST with a readable message. Server-side callers (createCaller) get these too.
 *  - `formatError` (the error formatter, i.e. the wire): never sends a stack, and never the message of
 *    an unexpected error (it may hold SQL, a Prisma invocation excerpt or a host name); the handler logs
 *    those server-side. Nor does a 400 echo what a parser threw while reading the request (tRPC uses the
 *    thrown error's message: "Unexpected token … is not valid JSON", a TypeError from inside a library):
 *    `requestErrorMessage` words those. Zod input errors carry `fieldErrors` for forms.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { InputFormatError } from "~/http/transformer";
import { isConnectionError, sqlStateOf } from "~/replication/connection-errors";
import { DatabaseUnavailableError, type ServedBy } from "~/server/db/data-layer/data-layer";

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. It has been logged; please try again.";

/**
 * The Retry-After of a 503 (REST and tRPC): the monitor probes every node twice a second by default, so
 * a node that is back, or a promoted replica, takes writes within about a second.
 */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Messages for unique constraints by index name. With driver adapters Prisma 7 reports P2002 with the
 * violated index (`users_email_key`), not the fields, so the mapping is by the name the migration gave it.
 */
const UNIQUE_VIOLATION_MESSAGES: Record<string, string> = {
  users_email_key: "A user with this email already exists",
};

export function translateError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof z.ZodError)
    return new TRPCError({ code: "BAD_REQUEST", message: describeInputError(cause), cause });
  // Anything else not INTERNAL was thrown on purpose and already says what it means.
  if (error.code !== "INTERNAL_SERVER_ERROR") return error;
  if (cause instanceof DatabaseUnavailableError) {
    const message = cause.reason
      ? `The database cannot take writes right now: ${cause.reason}. Try again in a few seconds.`
      : `The database is unavailable: ${cause.node} cannot be reached. Try again in a few seconds.`;
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause });
  }
  // A write reached a node in recovery: DATABASE_URL names a replica, or a failover is under way.
  if (sqlStateOf(cause) === "25006") {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The database cannot take writes right now: the primary is read-only. Try again in a few seconds.",
      cause,
    });
  }
  if (isConnectionError(cause)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "A database node cannot be reached. Try again in a few seconds.",
      cause,
    });
  }
  if (cause instanceof Prisma.PrismaClientKnownRequestError) {
    if (cause.code === "P2002")
      return new TRPCError({ code: "CONFLICT", message: uniqueViolationMessage(cause), cause });
    if (cause.code === "P2025") return recordNotFound(String(cause.meta?.modelName ?? "Record"));
  }
  return error;
}

/**
 * NOT_FOUND for a missing row, worded the same whether we noticed (findUnique) or Prisma did (P2025).
 * When the read was answered by the primary because the client's last write was lost in a failover (or
 * cannot be verified), the message says so: "not found" alone would hide that the write is gone.
 */
export function recordNotFound(model: string, servedBy?: ServedBy): TRPCError {
  const notice =
    servedBy && (LOST_WRITE_REASONS as readonly string[]).includes(servedBy.reason)
      ? new ConsistencyNotice(servedBy)
      : undefined;
  return new TRPCError({
    code: "NOT_FOUND",
    message: `${model} not found${notice ? ` (${servedBy?.detail})` : ""}`,
    cause: notice,
  });
}

/** The reasons a read could not honour the client's last write (REST's problem details list them too). */
export const LOST_WRITE_REASONS = [
  "write-lost",
  "token-ahead",
  "write-unverifiable",
] as const satisfies readonly ServedBy["reason"][];

/** Why a read could not honour the client's last write; sent as `data.consistency` (formatError). */
export class ConsistencyNotice extends Error {
  constructor(readonly servedBy: ServedBy) {
    super(servedBy.detail);
    this.name = "ConsistencyNotice";
  }
}

/** The error shape clients receive (tRPC's default shape, minus the stack, plus zod's field errors). */
export function formatError<Shape extends { message: string; data: { stack?: string } }>(
  shape: Shape,
  error: TRPCError,
) {
  const { stack: _stack, ...data } = shape.data;
  const input = error.cause instanceof z.ZodError ? z.flattenError(error.cause) : undefined;
  const notice = error.cause instanceof ConsistencyNotice ? error.cause.servedBy : undefined;
  return {
    ...shape,
    message:
      error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_ERROR_MESSAGE : (requestErrorMessage(error) ?? shape.message),
    data: {
      ...data,
      ...(input && { fieldErrors: input.fieldErrors as Record<string, string[]>, formErrors: input.formErrors }),
      ...(notice && { consistency: { reason: notice.reason, detail: notice.detail } }),
    },
  };
}

/**
 * Our own words for a request tRPC could not read, when the message would otherwise be a parser's or a
 * library's: anything but our own errors (TRPCError, InputFormatError, zod's) is rewritten.
 */
function requestErrorMessage(error: TRPCError): string | undefined {
  if (error.code !== "BAD_REQUEST" && error.code !== "PARSE_ERROR") return undefined;
  const cause = error.cause;
  if (
    !(cause instanceof Error) ||
    cause instanceof TRPCError ||
    cause instanceof InputFormatError ||
    cause instanceof z.ZodError
  )
    return undefined;
  if (cause instanceof SyntaxError)
    return 'The request\'s input is not valid JSON. Send {"json": <input>} (URL-encoded in ?input= for a query).';
  return "The request could not be read. Check its input and content type.";
}

/** "Invalid input: email: Enter a valid email address; name: Name is required" */
function describeInputError(error: z.ZodError): string {
  return `Invalid input: ${error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ")}`;
}

function uniqueViolationMessage(error: Prisma.PrismaClientKnownRequestError): string {
  const index = (error.meta?.driverAdapterError as { cause?: { constraint?: { index?: string } } } | undefined)?.cause
    ?.constraint?.index;
  return (index && UNIQUE_VIOLATION_MESSAGES[index]) ?? "This would duplicate a value that must be unique";
}
