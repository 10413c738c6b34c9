/**
 * The tRPC HTTP endpoint, over both transports the app has: Node's own request/response (the API fast
 * path in src/server/http/server.ts, ahead of Next's router) and the Fetch API (what the tests serve with
 * their own services, and the Next route the benchmark compares the fast path with). Both run the same
 * router, context and error logging. Unexpected errors are logged here with their cause; clients get a
 * generic message (./errors.ts).
 *
 * Before tRPC sees a request it passes `admitTrpcRequest` (method, URL length, batch size, declared body
 * size, the admin-attempt limit), and its body is read within API_MAX_BODY_BYTES, on either transport.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { type AnyTRPCRouter, getTRPCErrorShape, TRPCError, transformTRPCResponse } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { firstErrorCode } from "~/replication/connection-errors";
import { type AdminAttemptGuard, clientAddressFrom } from "./admin-attempts";
import { RETRY_AFTER_SECONDS } from "./errors";
import { bearerTokenFrom } from "./request-headers";
import {
  type ApiLimits,
  batchViolation,
  DEFAULT_API_LIMITS,
  declaredBodyViolation,
  LimitExceededError,
  type LimitViolation,
  methodViolation,
  readBodyWithin,
  urlViolation,
} from "./request-limits";
import { appRouter } from "./root";
import type { ApiServicesSource } from "./services";
import { createTRPCContext } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/** Queries are GETs, mutations POSTs; anything else is 405 before tRPC parses a byte. */
export const TRPC_METHODS = ["GET", "POST"] as const;

export interface TrpcTransportOptions {
  /** The client's address; a node:http server passes the socket's. Default: from X-Forwarded-For. */
  clientAddress?: string;
  /** Where the procedures' paths start (the benchmark serves tRPC through Next at another path). */
  endpoint?: string;
}

/** `services` is called per request, inside tRPC, so a configuration error becomes a logged 500, not a crash. */
export async function handleTrpcRequest(
  req: Request,
  services: ApiServicesSource,
  options: TrpcTransportOptions = {},
): Promise<Response> {
  const { limits, adminAttempts } = await guardsOf(services);
  const url = new URL(req.url);
  const clientAddress = options.clientAddress ?? clientAddressFrom(req.headers);
  const refusal = await admitTrpcRequest(
    { method: req.method, pathAndQuery: url.pathname + url.search, headers: req.headers, clientAddress },
    { limits, adminAttempts },
  );
  if (refusal) return refusalResponse(refusal);

  let body: Buffer | undefined;
  try {
    body =
      req.method === "POST" ? await readBodyWithin(req.body as AsyncIterable<Uint8Array> | null, limits) : undefined;
  } catch (error) {
    if (error instanceof LimitExceededError) return refusalResponse(error.violation);
    throw error;
  }
  const buffered = new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body: body as BodyInit | undefined,
    signal: req.signal,
  });
  return fetchRequestHandler({
    endpoint: options.endpoint ?? TRPC_ENDPOINT,
    req: buffered,
    createContext: async () => createTRPCContext({ headers: req.headers, services: await services() }),
    ...trpcHandlerOptions({ headers: req.headers, clientAddress, adminAttempts }),
  });
}

/** The same endpoint on Node's request and response (the API fast path): no Fetch Request is built. */
export async function handleTrpcNodeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  services: ApiServicesSource,
): Promise<void> {
  const { limits, adminAttempts } = await guardsOf(services);
  const url = req.url ?? "/";
  const headers = headersOf(req);
  const clientAddress = req.socket.remoteAddress ?? "unknown";
  const refusal = await admitTrpcRequest(
    { method: req.method ?? "GET", pathAndQuery: url, headers, clientAddress },
    { limits, adminAttempts },
  );
  if (refusal) {
    const { status, headers: refusalHeaders, body } = trpcRefusal(refusal);
    res.writeHead(status, refusalHeaders).end(body);
    return;
  }
  const query = url.indexOf("?");
  const pathname = query === -1 ? url : url.slice(0, query);
  return nodeHTTPRequestHandler({
    req,
    res,
    // What fetchRequestHandler does with its endpoint: the procedure path(s) after it, without slashes.
    path: pathname.slice(TRPC_ENDPOINT.length).replace(/^\/|\/$/g, ""),
    maxBodySize: limits.maxBodyBytes,
    createContext: async () => createTRPCContext({ headers, services: await services() }),
    ...trpcHandlerOptions({ headers, clientAddress, adminAttempts }),
  });
}

/** Node's header object as Fetch Headers (repeated headers kept), which the context reads. */
function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

export interface TrpcRequestFacts {
  method: string;
  /** As on the request line: `/api/trpc/user.list?input=…`. */
  pathAndQuery: string;
  headers: Headers;
  clientAddress: string;
}

export interface TrpcGuards {
  limits: ApiLimits;
  adminAttempts?: AdminAttemptGuard;
}

/** Everything checked before a tRPC request is read: the first refusal, or undefined to go on. */
export async function admitTrpcRequest(
  request: TrpcRequestFacts,
  { limits, adminAttempts }: TrpcGuards,
): Promise<LimitViolation | undefined> {
  const queryStart = request.pathAndQuery.indexOf("?");
  const path = queryStart === -1 ? request.pathAndQuery : request.pathAndQuery.slice(0, queryStart);
  const violation =
    methodViolation(request.method, TRPC_METHODS) ??
    urlViolation(request.pathAndQuery, limits) ??
    batchViolation(
      path.slice(TRPC_ENDPOINT.length + 1),
      new URLSearchParams(queryStart === -1 ? "" : request.pathAndQuery.slice(queryStart)),
      limits,
    ) ??
    declaredBodyViolation(request.headers.get("content-length"), limits);
  if (violation) return violation;
  // Only requests presenting a token can be guesses; the others are not slowed by someone else's.
  if (adminAttempts && bearerTokenFrom(request.headers)) return adminAttempts.refusal(request.clientAddress);
  return undefined;
}

/** The tRPC handler options both adapters share: the router, error logging, and counting wrong admin tokens. */
export function trpcHandlerOptions({
  headers,
  clientAddress,
  adminAttempts,
}: {
  headers: Headers;
  clientAddress: string;
  adminAttempts?: AdminAttemptGuard;
}) {
  const presentedToken = bearerTokenFrom(headers) !== undefined;
  return {
    router: appRouter as AnyTRPCRouter & typeof appRouter,
    onError: ({ error, path }: { error: TRPCError; path?: string }) => logApiError(error, path),
    // Once per request however many calls of a batch were refused: one request is one guess.
    responseMeta: ({ ctx, errors }: { ctx?: { idempotency: { replayed: boolean } }; errors: TRPCError[] }) => {
      if (adminAttempts && presentedToken && errors.some((e) => e.code === "UNAUTHORIZED"))
        void adminAttempts.recordFailure(clientAddress);
      const headers = new Headers();
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      if (ctx?.idempotency.replayed) headers.set("idempotent-replayed", "true");
      return { headers };
    },
  };
}

/** A refusal in tRPC's error envelope (its shape, our formatter, the transformer), so tRPC clients read it like any error. */
export function trpcRefusal(violation: LimitViolation): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const config = appRouter._def._config;
  const code = violation.code === "URI_TOO_LONG" ? "BAD_REQUEST" : violation.code;
  const shape = getTRPCErrorShape({
    config,
    error: new TRPCError({ code, message: violation.message }),
    type: "unknown",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  const wire = transformTRPCResponse(config, {
    error: { ...shape, data: { ...shape.data, code: violation.code, httpStatus: violation.status } },
  });
  return {
    status: violation.status,
    headers: { "content-type": "application/json", ...violation.headers },
    body: JSON.stringify(wire),
  };
}

function refusalResponse(violation: LimitViolation): Response {
  const { status, headers, body } = trpcRefusal(violation);
  return new Response(body, { status, headers });
}

async function guardsOf(services: ApiServicesSource): Promise<TrpcGuards> {
  try {
    const resolved = await services();
    return { limits: resolved.limits ?? DEFAULT_API_LIMITS, adminAttempts: resolved.adminAttempts };
  } catch {
    // A configuration error: tRPC's createContext reports it (a logged 500); the defaults guard until then.
    return { limits: DEFAULT_API_LIMITS };
  }
}

/** Unexpected errors with their cause, unavailability in one line; the errors clients cause are theirs to read. */
export function logApiError(error: TRPCError, path: string | undefined): void {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[api] ${path ?? "request"} failed:`, error.cause ?? error);
  else if (error.code === "SERVICE_UNAVAILABLE")
    console.warn(`[api] ${path ?? "request"}: ${describeCause(error.cause ?? error)}`);
}

/** One line for the log: the message, and the first error code down the cause chain (ECONNREFUSED's message can be empty). */
function describeCause(error: unknown): string {
  const code = firstErrorCode(error);
  const message = (error as Error).message?.replace(/:\s*$/, "") ?? String(error);
  return code === undefined ? message : `${message} (${code})`;
}
