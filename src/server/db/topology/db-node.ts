/**
 * A database node as the data layer uses it, from what a topology source found (./topology/). "Configured
 * role" is only what the source believes: after a failover the monitor may find the configured primary
 * gone and a configured replica writable, and routing follows the monitor.
 */
import { endpointOf } from "~/config/redact-url";
import type { DiscoveredNode } from "./source";

export interface DbNode {
  /** The source's name: the embedded cluster's or Patroni's; for URLs from the environment, `primary`, `replica1`, … in order. */
  readonly name: string;
  configuredRole: "primary" | "replica";
  readonly url: string;
  /** host:port, safe to show. */
  readonly endpoint: string;
}

/** A role the source cannot tell (DNS) counts as replica until the probes find the writer. */
export function dbNodeOf(node: DiscoveredNode): DbNode {
  return { name: node.name, configuredRole: node.role ?? "replica", url: node.url, endpoint: endpointOf(node.url) };
}
