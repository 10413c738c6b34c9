/**
 * The API against a real cluster, for tests: a throwaway cluster (migrated), a real data layer over it,
 * and the app's own request handlers served over HTTP on a free port: the server's own dispatch table
 * (src/server/http/api-routes.ts: tRPC on Node's request/response, as `npm start` serves it) ahead of
 * the handlers Next serves (REST, OpenAPI, health, metrics), so tests use the real handlers, the real
 * client links and real HTTP. `createCaller` is there too, for server-side calls with chosen services.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { queryOne } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { guardServerMethods } from "~/http/incoming-guard";
import { embeddedClusterControl } from "~/server/api/embedded-cluster-control";
import { TRPC_ENDPOINT } from "~/server/api/handler";
import { idempotencySettings } from "~/server/api/idempotency/settings";
import { createCaller } from "~/server/api/root";
import type { ApiServices } from "~/server/api/services";
import { createTRPCContext } from "~/server/api/trpc";
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import { createDataLayer } from "~/server/db/index";
import { inMemoryOpsRecords } from "~/server/db/ops-records";
import { livenessResponse, readinessResponse } from "~/server/health";
import { apiRoutes } from "~/server/http/api-routes";
import { dispatch, fetchRoute } from "~/server/http/dispatch";
import { metricsResponse } from "~/server/metrics";
import { handleRestRequest } from "~/server/rest/handler";
import { openApiDocument } from "~/server/rest/openapi";
import { startTestCluster, type TestCluster } from "./cluster";
import { TEST_DATA_LAYER_SETTINGS } from "./data-layer-settings";
import { migrate } from "./migrate";
import { signalPostmaster } from "./postmaster";

export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export { TEST_DATA_LAYER_SETTINGS } from "./data-layer-settings";

export interface ApiHarness {
  cluster: TestCluster;
  db: DataLayer;
  services: ApiServices;
  /** Origin of the HTTP server, e.g. http://127.0.0.1:40123 */
  url: string;
  /** `fetch` against the server: request("/api/health/ready"). */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** One procedure call over raw HTTP, as any HTTP client would make it; the error is what goes on the wire. */
  rpc(
    procedure: string,
    input: unknown,
    options?: { type?: "query" | "mutation"; headers?: Record<string, string> },
  ): Promise<RpcResponse>;
  /** A server-side caller with these headers and (by default) the harness's services. */
  caller(headers?: Record<string, string>, services?: ApiServices): Promise<ReturnType<typeof createCaller>>;
  /** Runs `body` with both replicas' replay paused (through the admin API), then resumes it and waits until both are routable. */
  withReplayPaused<T>(body: () => Promise<T>): Promise<T>;
  /** A fast shutdown of the primary (sessions are cut, new connections refused); resolves once it refuses. */
  stopPrimary(): Promise<void>;
  stop(): Promise<void>;
}

export interface WireError {
  message: string;
  code: number;
  data: {
    code: string;
    httpStatus: number;
    path?: string;
    fieldErrors?: Record<string, string[]>;
    formErrors?: string[];
    consistency?: { reason: string; detail: string };
    stack?: string;
  };
}

export interface RpcResponse {
  status: number;
  /** The raw response body, to check what a client could see. */
  text: string;
  error?: WireError;
  result?: unknown;
}

/** `services`: more of them (request limits, the admin-attempt guard) for tests of those. */
export async function startApiHarness(options: { services?: Partial<ApiServices> } = {}): Promise<ApiHarness> {
  const cluster = await startTestCluster({ replicas: 2 });
  await migrate(cluster.ownerUrl);
  const records = inMemoryOpsRecords();
  const db = createDataLayer(
    {
      ...TEST_DATA_LAYER_SETTINGS,
      database: { source: "environment", primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls },
    },
    { records },
  );
  const services: ApiServices = {
    db,
    adminToken: TEST_ADMIN_TOKEN,
    cluster: embeddedClusterControl(cluster.root),
    idempotency: idempotencySettings(24),
    events: records.events,
    ...options.services,
  };
  // As the app's server (src/server/http/server.ts) has it: the incoming-request guard, the API's routes, then what Next serves.
  const server = guardServerMethods(
    http.createServer(
      dispatch(
        apiRoutes(() => services),
        fetchRoute((req) => nextRoutes(req, services)),
      ),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const caller = async (headers: Record<string, string> = {}, chosen = services) =>
    createCaller(await createTRPCContext({ headers: new Headers(headers), services: chosen }));
  return {
    cluster,
    db,
    services,
    url,
    request: (path, init) => fetch(`${url}${path}`, init),
    rpc: (procedure, input, options) => rpc(url, procedure, input, options),
    caller,
    withReplayPaused: async (body) => {
      const admin = await caller({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
      const replicas = ["replica1", "replica2"];
      for (const node of replicas) await admin.replication.pauseReplay({ node });
      try {
        return await body();
      } finally {
        for (const node of replicas) await admin.replication.resumeReplay({ node });
        await waitFor("both replicas routable again", async () =>
          db.monitor.routable().length === replicas.length ? true : undefined,
        );
      }
    },
    stopPrimary: async () => {
      signalPostmaster(cluster.state().nodes.find((n) => n.name === "primary")!.dataDir, "SIGINT");
      await waitFor("the primary to stop", () =>
        queryOne(cluster.primaryUrl, "SELECT 1").then(
          () => undefined,
          () => true,
        ),
      );
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      await cluster.stop();
    },
  };
}

async function rpc(
  url: string,
  procedure: string,
  input: unknown,
  { type = "query", headers = {} }: { type?: "query" | "mutation"; headers?: Record<string, string> } = {},
): Promise<RpcResponse> {
  const payload = JSON.stringify(superjson.serialize(input));
  const response =
    type === "query"
      ? await fetch(`${url}${TRPC_ENDPOINT}/${procedure}?input=${encodeURIComponent(payload)}`, { headers })
      : await fetch(`${url}${TRPC_ENDPOINT}/${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: payload,
        });
  const text = await response.text();
  const body = JSON.parse(text) as {
    error?: { json: WireError };
    result?: { data: Parameters<typeof superjson.deserialize>[0] };
  };
  return {
    status: response.status,
    text,
    error: body.error?.json,
    result: body.result && superjson.deserialize(body.result.data),
  };
}

/** The route handlers Next serves (src/app/api/**): each route file is a one-line call of the same function. */
function nextRoutes(req: Request, services: ApiServices): Promise<Response> | Response {
  const { pathname } = new URL(req.url);
  if (pathname === "/api/health") return livenessResponse();
  if (pathname === "/api/health/ready") return readinessResponse(() => services.db);
  if (pathname === "/api/metrics") return metricsResponse(() => services.db);
  if (pathname === "/api/users" || pathname.startsWith("/api/users/")) return handleRestRequest(req, () => services);
  if (pathname === "/api/openapi.json") return Response.json(openApiDocument());
  return new Response("not found", { status: 404 });
}
