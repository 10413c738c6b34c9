/**
 * What any API request may cost before it is refused, for every API surface and transport: the Fetch
 * handler Next serves (./handler.ts), a node:http server, a REST handler. Each check is a plain function
 * of what every transport has (a method, a path with its query, a declared length, a body stream) and
 * returns a `LimitViolation` (an HTTP status and a sentence) that the transport renders in its own format.
 *
 * The limits bound work, not just bytes: JSON.parse and the input checks are linear, so a body of at
 * most `maxBodyBytes` costs at most a few milliseconds; a batch of at most `maxBatchSize` calls bounds
 * the queries one request can start.
 */
import { DEFAULT_SETTINGS, type Env } from "~/config/parse-env";

export interface ApiLimits {
  /** Largest request body read, in bytes (API_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Longest path plus query string, in bytes (API_MAX_URL_BYTES): a GET's input travels there. */
  maxUrlBytes: number;
  /** Most tRPC calls in one batched request (API_MAX_BATCH_SIZE). */
  maxBatchSize: number;
}

export function apiLimitsFrom(
  settings: Pick<Env, "API_MAX_BODY_BYTES" | "API_MAX_URL_BYTES" | "API_MAX_BATCH_SIZE">,
): ApiLimits {
  return {
    maxBodyBytes: settings.API_MAX_BODY_BYTES,
    maxUrlBytes: settings.API_MAX_URL_BYTES,
    maxBatchSize: settings.API_MAX_BATCH_SIZE,
  };
}

export const DEFAULT_API_LIMITS: ApiLimits = apiLimitsFrom(DEFAULT_SETTINGS);

/** Why a request is refused. `code` is tRPC's name for the status where it has one. */
export interface LimitViolation {
  status: 400 | 405 | 413 | 414 | 429;
  code: "BAD_REQUEST" | "METHOD_NOT_SUPPORTED" | "PAYLOAD_TOO_LARGE" | "URI_TOO_LONG" | "TOO_MANY_REQUESTS";
  message: string;
  headers?: Record<string, string>;
}

/** Thrown by `readBodyWithin`, so a transport can tell a refusal from a broken connection. */
export class LimitExceededError extends Error {
  constructor(readonly violation: LimitViolation) {
    super(violation.message);
    this.name = "LimitExceededError";
  }
}

/** `pathAndQuery` as on the request line: `/api/trpc/user.list?input=…`. */
export function urlViolation(pathAndQuery: string, limits: ApiLimits): LimitViolation | undefined {
  const bytes = Buffer.byteLength(pathAndQuery);
  if (bytes <= limits.maxUrlBytes) return undefined;
  return {
    status: 414,
    code: "URI_TOO_LONG",
    message: `The URL is ${bytes} bytes; at most ${limits.maxUrlBytes} are accepted. Send a large input in a POST body instead.`,
  };
}

/** A body whose Content-Length already says it is too large is refused before a byte of it is read. */
export function declaredBodyViolation(
  contentLength: string | null | undefined,
  limits: ApiLimits,
): LimitViolation | undefined {
  if (contentLength === null || contentLength === undefined) return undefined;
  const length = Number(contentLength);
  if (!Number.isSafeInteger(length) || length < 0)
    return { status: 400, code: "BAD_REQUEST", message: "The Content-Length header is not a whole number of bytes." };
  return length > limits.maxBodyBytes ? bodyTooLarge(limits) : undefined;
}

function bodyTooLarge(limits: ApiLimits): LimitViolation {
  return {
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than ${limits.maxBodyBytes} bytes, the most this API accepts.`,
  };
}

/**
 * The body, read until it ends or passes `limits.maxBodyBytes` (then LimitExceededError, having read at
 * most one chunk past the limit). For chunked bodies, which declare no length.
 */
export async function readBodyWithin(
  body: AsyncIterable<Uint8Array> | null | undefined,
  limits: ApiLimits,
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    // Leaving the loop early cancels the stream (ReadableStream and IncomingMessage both stop reading).
    if (size > limits.maxBodyBytes) throw new LimitExceededError(bodyTooLarge(limits));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * tRPC batches name their procedures in the path, comma-separated (`/api/trpc/a,b,c?batch=1`); one
 * request may not start more than `maxBatchSize` of them.
 */
export function batchViolation(
  procedurePath: string,
  searchParams: URLSearchParams,
  limits: ApiLimits,
): LimitViolation | undefined {
  if (searchParams.get("batch") !== "1") return undefined;
  let calls = 1;
  for (let i = procedurePath.indexOf(","); i !== -1; i = procedurePath.indexOf(",", i + 1)) calls++;
  if (calls <= limits.maxBatchSize) return undefined;
  return {
    status: 400,
    code: "BAD_REQUEST",
    message: `The batch has ${calls} calls; at most ${limits.maxBatchSize} are accepted in one request.`,
  };
}

/** A method the route does not serve: 405 with the `Allow` header RFC 9110 asks for. */
export function methodViolation(method: string, allowed: readonly string[]): LimitViolation | undefined {
  if (allowed.includes(method.toUpperCase())) return undefined;
  return {
    status: 405,
    code: "METHOD_NOT_SUPPORTED",
    message: `${method.toUpperCase()} is not served here; use ${allowed.join(" or ")}.`,
    headers: { allow: allowed.join(", ") },
  };
}
