import { getDataLayer } from "~/server/db";
import { readinessResponse } from "~/server/health";

export const dynamic = "force-dynamic";

/** Readiness: 200 when a writable primary is reachable, else 503; per-node state in the body. */
export function GET(): Promise<Response> {
  return readinessResponse(getDataLayer);
}
