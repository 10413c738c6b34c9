/**
 * The tRPC HTTP endpoint, over both transports the app has: Node's own request/response (the API fast
 * path in src/server/http/server.ts, ahead of Next's router) and the Fetch API (what the tests serve with
 * their own services, and the Next route the benchmark compares the fast path with). Both run the same
 * router, context and error logging. Unexpected errors are logged here with their cause; clients get a
 * generic message (./errors.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { RETRY_AFTER_SECONDS } from "./errors";
import { appRouter } from "./root";
import type { ApiServicesSource } from "./services";
import { createTRPCContext } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/** What both adapters pass tRPC besides the request and its context: one place for the router, error logging, response hooks. */
const SHARED_OPTIONS = {
  router: appRouter,
  onError: ({ error, path }: { error: TRPCError; path?: string }) => logApiError(error, path),
  responseMeta: ({ ctx, errors }: { ctx?: { idempotency: { replayed: boolean } }; errors: TRPCError[] }) => {
    const headers = new Headers();
    if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
    if (ctx?.idempotency.replayed) headers.set("idempotent-replayed", "true");
    return { headers };
  },
};

/** `services` is called per request, inside tRPC, so a configuration error becomes a logged 500, not a crash. */
export function handleTrpcRequest(req: Request, services: ApiServicesSource, endpoint: string = TRPC_ENDPOINT): Promise<Response> {
  return fetchRequestHandler({
    endpoint,
    req,
    createContext: async () => createTRPCContext({ headers: req.headers, services: await services() }),
    ...SHARED_OPTIONS,
  });
}

/** The same endpoint on Node's request and response: no Fetch Request is built for the context. */
export function handleTrpcNodeRequest(req: IncomingMessage, res: ServerResponse, services: ApiServicesSource): Promise<void> {
  const url = req.url ?? "/";
  const query = url.indexOf("?");
  const pathname = query === -1 ? url : url.slice(0, query);
  return nodeHTTPRequestHandler({
    req,
    res,
    // What fetchRequestHandler does with its endpoint: the procedure path(s) after it, without slashes.
    path: pathname.slice(TRPC_ENDPOINT.length).replace(/^\/|\/$/g, ""),
    createContext: async () => createTRPCContext({ headers: headersOf(req), services: await services() }),
    ...SHARED_OPTIONS,
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

/** Unexpected errors with their cause, unavailability in one line; the errors clients cause are theirs to read. */
export function logApiError(error: TRPCError, path: string | undefined): void {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[api] ${path ?? "request"} failed:`, error.cause ?? error);
  else if (error.code === "SERVICE_UNAVAILABLE") console.warn(`[api] ${path ?? "request"}: ${describeCause(error.cause ?? error)}`);
}

/** One line for the log: the message, and the first error code down the cause chain (ECONNREFUSED's message can be empty). */
function describeCause(error: unknown): string {
  let code: unknown;
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5 && code === undefined; e = e.cause as typeof e, depth++) code = e.code;
  const message = (error as Error).message?.replace(/:\s*$/, "") ?? String(error);
  return typeof code === "string" ? `${message} (${code})` : message;
}
