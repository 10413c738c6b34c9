/**
 * The nodes the app uses now and where they come from, for pages that show the topology (the home page):
 * the topology source's current answer, not the URLs the process started with, and no URL (they hold
 * passwords). Routing facts per node are in ./routing-view.ts.
 */
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import type { ConfiguredRole } from "~/server/db/monitor/routing-state";
import type { TopologyStatus } from "~/server/db/topology/topology";

export interface TopologyNodeView {
  name: string;
  /** What the source believes (static: its place in the list); the admin page shows what the probes found. */
  configuredRole: ConfiguredRole;
  /** host:port. */
  endpoint: string;
}

export interface TopologyView {
  source: TopologyStatus;
  nodes: TopologyNodeView[];
}

export function topologyView(db: DataLayer): TopologyView {
  return {
    source: db.topologyStatus(),
    nodes: db.nodes.map(({ name, configuredRole, endpoint }) => ({ name, configuredRole, endpoint })),
  };
}
