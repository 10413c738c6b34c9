/**
 * The tRPC API through Next's router, for the benchmark only (404 unless TANDEM_BENCH_ROUTES=1): the app
 * serves /api/trpc on its fast path (src/server/http), and this is what that path is measured against.
 */
import { handleTrpcRequest } from "~/server/api/handler";
import { getApiServices } from "~/server/api/services";
import { benchRoutesEnabled } from "~/server/bench-baselines";

export const dynamic = "force-dynamic";

const ENDPOINT = "/api/bench/next-trpc";

const handler = (req: Request) =>
  benchRoutesEnabled()
    ? handleTrpcRequest(req, getApiServices, { endpoint: ENDPOINT })
    : new Response("Not found", { status: 404 });

export { handler as GET, handler as POST };
