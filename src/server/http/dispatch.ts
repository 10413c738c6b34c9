/**
 * The server's dispatch: a table of (path prefix → handler) tried in order before the fallback (Next).
 * A prefix matches its own path and everything below it ("/api/trpc" takes "/api/trpc/user.byId", not
 * "/api/trpcx"). Matching looks at the raw request target, before any URL is parsed, because this runs
 * for every request, pages included.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequestListener } from "@remix-run/node-fetch-server";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface Route {
  prefix: string;
  handle: NodeHandler;
}

export function pathnameOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

export function routeFor(routes: readonly Route[], target: string): Route | undefined {
  const pathname = pathnameOf(target);
  return routes.find(
    ({ prefix }) => pathname === prefix || (pathname.startsWith(prefix) && pathname[prefix.length] === "/"),
  );
}

export function dispatch(routes: readonly Route[], fallback: NodeHandler): NodeHandler {
  return (req, res) => (routeFor(routes, req.url ?? "/") ?? { handle: fallback }).handle(req, res);
}

/**
 * Runs ahead of a route's handler: it may set headers on `res` and return false (the handler runs), or
 * answer the request itself and return true (the handler is skipped).
 */
export type Guard = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The same routes, each behind `guards` (tried in order; the first that answers ends the request). */
export function guarded(guards: readonly Guard[], routes: readonly Route[]): Route[] {
  if (guards.length === 0) return [...routes];
  return routes.map(({ prefix, handle }) => ({
    prefix,
    handle: (req, res) => (guards.some((guard) => guard(req, res)) ? undefined : handle(req, res)),
  }));
}

/** A handler written against the Fetch API (Request in, Response out) as a table entry. */
export function fetchRoute(handler: (request: Request) => Response | Promise<Response>): NodeHandler {
  return createRequestListener(handler);
}
