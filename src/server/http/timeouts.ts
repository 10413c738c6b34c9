/**
 * Slow-client timeouts for a node:http server, from the validated settings: a client that trickles its
 * headers or its body, or holds an idle keep-alive connection, is cut off instead of being held for
 * Node's defaults (5 minutes for a whole request; 60 s for headers).
 *
 * Node checks header and request deadlines on a timer (`connectionsCheckingInterval`, 30 s by
 * default), so a 10 s deadline could take 40 s to fire; the interval is set to a fraction of the
 * shortest deadline. It is read when the server starts listening, so call this before `listen()`.
 */
import type { Server } from "node:http";
import type { Env } from "~/config/parse-env";

export type TimeoutSettings = Pick<
  Env,
  "HTTP_HEADERS_TIMEOUT_MS" | "HTTP_REQUEST_TIMEOUT_MS" | "HTTP_KEEP_ALIVE_TIMEOUT_MS"
>;

export function applyServerTimeouts(server: Server, settings: TimeoutSettings): Server {
  // Node requires headersTimeout <= requestTimeout (a whole request includes its headers).
  const requestTimeout = Math.max(settings.HTTP_REQUEST_TIMEOUT_MS, settings.HTTP_HEADERS_TIMEOUT_MS);
  server.headersTimeout = settings.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = requestTimeout;
  server.keepAliveTimeout = settings.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    50,
    Math.min(1_000, Math.floor(Math.min(settings.HTTP_HEADERS_TIMEOUT_MS, requestTimeout) / 4)),
  );
  return server;
}
