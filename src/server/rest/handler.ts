/**
 * The REST API over the Fetch API: what the route handlers under src/app/api/users serve (and, through
 * src/proxy.ts, /users for clients that do not ask for HTML). Transport-independent like
 * ../api/handler.ts: a custom server can call it with any Request.
 *
 * Each route is a tRPC procedure (./routes.ts), called through the router's own caller, so validation,
 * error translation, idempotency and the data layer's routing are the procedures' own.
 */
import { TRPCError } from "@trpc/server";
import { BARE_PATH_HEADER } from "~/http/negotiation";
import { logApiError } from "~/server/api/handler";
import { DEFAULT_API_LIMITS, urlViolation } from "~/server/api/request-limits";
import { createCaller } from "~/server/api/root";
import type { ApiServices } from "~/server/api/services";
import { createTRPCContext } from "~/server/api/trpc";
import type { ServedBy } from "~/server/db";
import { requestDbView } from "~/server/db/request-db-view";
import { type ProblemContext, problem, problemFromError, problemResponse } from "./problem";
import { represent, servedByToHeaders } from "./representation";
import { InputProblem, limitProblem, requestInput } from "./request-input";
import { matchRoute } from "./routes";

export const REST_PREFIX = "/api";

type ProcedureCall = (input: unknown) => Promise<Record<string, unknown>>;

export async function handleRestRequest(
  req: Request,
  services: () => ApiServices | Promise<ApiServices>,
): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.startsWith(`${REST_PREFIX}/`) ? url.pathname.slice(REST_PREFIX.length) : url.pathname;
  // Set by src/proxy.ts when it rewrote /users… here: links and Location then name the path the client
  // used. That choice is the header's only effect, so a client sending it itself gains nothing.
  const prefix = req.headers.get(BARE_PATH_HEADER) === "1" ? "" : REST_PREFIX;
  // Links name the path, not the host: relative references (RFC 9110 §10.2.2, RFC 8288 §3.1) stay right
  // behind proxies and rewrites that change the host the server sees.
  const publicUrl = new URL(`${prefix}${path}${url.search}`, url);
  const match = matchRoute(req.method, path);
  if (!match) return problemResponse(problem(404, "NOT_FOUND", `There is no API resource at ${publicUrl.pathname}`));
  if ("allowed" in match) {
    const allowed = match.allowed.join(", ");
    return problemResponse(
      problem(
        405,
        "METHOD_NOT_SUPPORTED",
        `${req.method} is not supported at ${publicUrl.pathname}; it allows ${allowed}`,
      ),
      { allow: allowed },
    );
  }
  const { route, params } = match;
  const hasBody = route.rest.method === "POST" || route.rest.method === "PATCH";
  // Without a body every input field is a path or query parameter.
  const isParameter = (field: string) => !hasBody || field in params;
  const context: ProblemContext = { isParameter, mutation: route.type === "mutation", idempotencyKey: undefined };
  let lastRead: ServedBy | undefined;
  try {
    const resolved = await services();
    const limits = resolved.limits ?? DEFAULT_API_LIMITS;
    const tooLong = urlViolation(url.pathname + url.search, limits);
    if (tooLong) throw limitProblem(tooLong);
    const input = await requestInput(req, url, route, params, limits);
    const ctx = await createTRPCContext({ headers: req.headers, services: resolved });
    context.idempotencyKey = ctx.idempotency.key;
    const db = ctx.db;
    ctx.db = requestDbView(db, {
      read: async (query, options) => {
        const result = await db.read(query, options);
        lastRead = result.servedBy;
        return result;
      },
    });
    const call = route.procedure
      .split(".")
      .reduce<unknown>(
        (node, segment) => (node as Record<string, unknown>)[segment],
        createCaller(ctx),
      ) as ProcedureCall;
    const { body, headers } = represent(route, await call(input), publicUrl);
    const response = Response.json(body, { status: route.rest.status ?? 200, headers });
    // A create answers 201 with the new resource's URL: the collection's, plus its id.
    if (route.rest.status === 201)
      response.headers.set("location", `${publicUrl.pathname}/${(body as { id: number }).id}`);
    if (ctx.idempotency.replayed) response.headers.set("idempotent-replayed", "true");
    response.headers.set("cache-control", "no-store");
    response.headers.set("vary", "Accept"); // at /users the page answers browsers
    return response;
  } catch (error) {
    if (error instanceof InputProblem) return problemResponse(error.problem);
    const trpcError =
      error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
    logApiError(trpcError, route.procedure);
    return problemResponse(problemFromError(trpcError, context), lastRead && servedByToHeaders(lastRead));
  }
}
