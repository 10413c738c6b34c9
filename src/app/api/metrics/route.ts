import { getDataLayer } from "~/server/db";
import { metricsResponse } from "~/server/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrape target (text format 0.0.4). */
export function GET(): Promise<Response> {
  return metricsResponse(getDataLayer);
}
