/**
 * Health endpoints for load balancers and orchestrators:
 *  - liveness (/api/health): the process answers. Always 200, and touches no database, so a database
 *    outage never gets healthy app processes restarted;
 *  - readiness (/api/health/ready): a writer (the primary, or a promoted replica) is reachable, so the
 *    app can take writes: 200, else 503. Lagging or dead replicas do not make it unready (reads fall back
 *    to the writer); they show in the per-node state. It is the monitor's view, at most one probe old.
 * The node state here is public: no endpoints, no error texts (those are in replication.status).
 */
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import { routingView } from "./routing-view";

const NO_STORE = { "cache-control": "no-store" };

export function livenessResponse(): Response {
  return Response.json({ status: "ok" }, { headers: NO_STORE });
}

export async function readinessResponse(getDb: () => DataLayer): Promise<Response> {
  let view: Awaited<ReturnType<typeof routingView>>;
  try {
    view = await routingView(getDb());
  } catch (error) {
    console.error("[health] readiness check failed:", error);
    return Response.json(
      { status: "not ready", reason: "the app could not start its data layer (see the server log)" },
      { status: 503, headers: NO_STORE },
    );
  }
  const ready = view.writer !== null;
  return Response.json(
    {
      status: ready ? "ready" : "not ready",
      ...(ready ? {} : { reason: "no writable primary is reachable: writes would fail" }),
      writer: view.writer,
      allReplicasOut: view.allReplicasOut,
      nodes: view.nodes.map((n) => ({
        node: n.node,
        role: n.role,
        reachable: n.reachable,
        routing: n.routing,
        timeline: n.timeline,
        lagSeconds: n.lagSeconds,
        lagBytes: n.lagBytes,
        replayPaused: n.replayPaused,
        lastProbeAt: n.lastProbeAt,
      })),
    },
    { status: ready ? 200 : 503, headers: NO_STORE },
  );
}
