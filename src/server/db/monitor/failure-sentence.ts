/**
 * A node's last failure as operators read it ("Not answering at 127.0.0.1:54322: connection refused.")
 * rather than the driver's text ("connect ECONNREFUSED 127.0.0.1:54322"), which stays available as the
 * raw error. The classification is connection-errors.ts's; this only puts it in a sentence.
 */
import { describeConnectionFailure, isConnectionError } from "~/replication/connection-errors";

export function failureSentence(error: unknown, endpoint: string): string {
  if (isConnectionError(error)) return `Not answering at ${endpoint}: ${describeConnectionFailure(error)}.`;
  return `Its health probe at ${endpoint} failed: ${(error as Error)?.message ?? String(error)}.`;
}
