/**
 * What a node:http server does with each request before any handler sees it, in one place:
 *
 * 1. It records the socket's address in CLIENT_ADDRESS_HEADER, replacing whatever the client sent
 *    there, so the API can count wrong admin tokens per address (src/server/api/admin-attempts.ts)
 *    without trusting X-Forwarded-For, which a client talking to `next start` directly can choose.
 * 2. Methods the Fetch API cannot represent (`new Request(url, { method: "TRACE" })` throws), answered 405
 * before any Fetch-based handler sees them. Next builds a Request for every route, so without this a
 * TRACE to any page or API route is a 500 with a stack trace in the log. Methods a route merely does
 * not serve (PUT on /api/trpc) are the route's to refuse: Next answers 405 for handlers a route file
 * does not export, and the API's own check is `methodViolation` (src/server/api/request-limits.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER } from "./headers";
import { STATIC_SECURITY_HEADERS } from "./security-headers";

export const FETCH_FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["TRACE", "TRACK", "CONNECT"]);

/** Answers 405 and returns true when the request's method cannot be served; otherwise does nothing. */
export function refuseForbiddenMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.method || !FETCH_FORBIDDEN_METHODS.has(req.method.toUpperCase())) return false;
  res.writeHead(405, {
    ...STATIC_SECURITY_HEADERS,
    allow: "GET, HEAD, POST, OPTIONS",
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(`${req.method.toUpperCase()} is not served here.\n`);
  return true;
}

type Emit = http.Server["emit"];

function guardedEmit(emit: Emit): Emit {
  return function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as IncomingMessage;
      req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
      if (refuseForbiddenMethod(req, args[1] as ServerResponse)) return true;
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as Emit;
}

/** For a server we create: its request listeners see every request stamped, and none with a forbidden method. */
export function guardServerMethods(server: http.Server): http.Server {
  server.emit = guardedEmit(server.emit);
  return server;
}

const GUARDED = Symbol.for("tandem.methodGuard");

/**
 * For servers we do not create (`next start`'s, from src/instrumentation.ts): every node:http server of
 * the process. Idempotent.
 */
export function guardAllHttpServers(): void {
  const proto = http.Server.prototype as http.Server & { [GUARDED]?: true };
  if (proto[GUARDED]) return;
  proto.emit = guardedEmit(proto.emit);
  proto[GUARDED] = true;
}
