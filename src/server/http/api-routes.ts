/**
 * What the fast path serves ahead of Next's router: the tRPC API and, with TANDEM_BENCH_ROUTES=1, the
 * benchmark's floor (raw `pg` with no framework at all). Everything else (pages, /api/health, metrics)
 * stays in Next. One line per API surface.
 */
import { handleTrpcNodeRequest, TRPC_ENDPOINT } from "~/server/api/handler";
import type { ApiServicesSource } from "~/server/api/services";
import { benchRoutesEnabled, byIdRawPgNode, FAST_PATH_BENCH_PREFIX } from "~/server/bench-baselines";
import type { Route } from "./dispatch";

export function apiRoutes(services: ApiServicesSource): Route[] {
  return [
    { prefix: TRPC_ENDPOINT, handle: (req, res) => handleTrpcNodeRequest(req, res, services) },
    ...(benchRoutesEnabled() ? [{ prefix: FAST_PATH_BENCH_PREFIX, handle: byIdRawPgNode }] : []),
  ];
}
