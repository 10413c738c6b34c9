/**
 * What the fast path serves ahead of Next's router: the tRPC API and, with TANDEM_BENCH_ROUTES=1, the
 * benchmark's floor (raw `pg` with no framework at all). Everything else (pages, /api/health, metrics)
 * stays in Next. One line per API surface.
 *
 * These requests never reach Next, so neither src/proxy.ts nor next.config's headers run for them: what
 * every API response needs (headers, refusals) goes in API_GUARDS, which runs ahead of each route here
 * (the test harness serves the same table, so its requests pass the same guards).
 */
import { apiSecurityHeaders } from "~/http/security-headers";
import { handleTrpcNodeRequest, TRPC_ENDPOINT } from "~/server/api/handler";
import type { ApiServicesSource } from "~/server/api/services";
import { benchRoutesEnabled, byIdRawPgNode, FAST_PATH_BENCH_PREFIX } from "~/server/bench-baselines";
import { type Guard, guarded, type Route } from "./dispatch";

/** The headers next.config.ts gives Next's API routes (src/http/security-headers.ts); Node merges them with each handler's own. */
const securityHeaders: Guard = (_req, res) => {
  for (const [name, value] of Object.entries(apiSecurityHeaders())) res.setHeader(name, value);
  return false;
};

const API_GUARDS: Guard[] = [securityHeaders];

export function apiRoutes(services: ApiServicesSource): Route[] {
  return guarded(API_GUARDS, [
    { prefix: TRPC_ENDPOINT, handle: (req, res) => handleTrpcNodeRequest(req, res, services) },
    ...(benchRoutesEnabled() ? [{ prefix: FAST_PATH_BENCH_PREFIX, handle: byIdRawPgNode }] : []),
  ]);
}
