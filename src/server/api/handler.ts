/**
 * The tRPC HTTP endpoint over the Fetch API: what src/app/api/trpc/[trpc]/route.ts serves, and what the
 * tests serve with their own services. Unexpected errors are logged here with their cause; clients get a
 * generic message (./errors.ts).
 */
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { RETRY_AFTER_SECONDS } from "./errors";
import { appRouter } from "./root";
import type { ApiServices } from "./services";
import { createTRPCContext } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/** `services` is called per request, inside tRPC, so a configuration error becomes a logged 500, not a crash. */
export function handleTrpcRequest(req: Request, services: () => ApiServices | Promise<ApiServices>): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    createContext: async () => createTRPCContext({ headers: req.headers, services: await services() }),
    onError: ({ error, path }) => logApiError(error, path),
    responseMeta: ({ ctx, errors }) => {
      const headers = new Headers();
      if (errors.some((e) => e.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      if (ctx?.idempotency.replayed) headers.set("idempotent-replayed", "true");
      return { headers };
    },
  });
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
