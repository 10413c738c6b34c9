/**
 * TEMPORARY: routing-view.ts still reports a node's exclusion as a sentence (`excludedBecause`) and its
 * role in its own words (`currentRole`). The status view is built on the shared vocabulary
 * (./db/routing-state.ts), derived here from those; delete this file when the routing view gives
 * `routing` and `role` itself.
 */
import { type NodeRole, type Routing, ROUTABLE, excluded } from "~/server/db/routing-state";
import type { NodeHealth } from "~/server/db/replication-monitor";
import type { NodeRouting } from "./routing-view";

export function roleAndRouting(node: NodeRouting, health: NodeHealth | undefined, writer: string | null): { role: NodeRole; routing: Routing } {
  const role: NodeRole =
    node.node === writer ? "primary" : health?.inRecovery === true ? "replica" : health?.inRecovery === false && health.reachable ? "stale-primary" : "unknown";
  const reason = node.excludedBecause;
  if (reason === null) return { role, routing: ROUTABLE };
  if (reason === "unreachable") return { role, routing: excluded("unreachable", reason) };
  if (reason === "is the writer") return { role, routing: excluded("primary", reason) };
  if (reason === "not probed yet") return { role, routing: excluded("not-probed", reason) };
  if (/lagging/.test(reason)) return { role, routing: excluded("lagging", reason) };
  return { role, routing: excluded("stale-primary", reason) }; // "not in recovery (promoted?)": writable, not the writer
}
