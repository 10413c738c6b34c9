import { livenessResponse } from "~/server/health";

// Never prerendered at build time: the answer is about the running process.
export const dynamic = "force-dynamic";

/** Liveness: the process answers (readiness, which checks the database, is /api/health/ready). */
export function GET(): Response {
  return livenessResponse();
}
