/** DATABASE_URL and DATABASE_REPLICA_URLS: the node list never changes while the process runs. */
import { type DatabaseConfig, namedNodes } from "~/config/database";
import type { DiscoveredNode, TopologySource } from "./source";

export function staticNodes(database: Pick<DatabaseConfig, "primaryUrl" | "replicaUrls" | "names">): DiscoveredNode[] {
  return namedNodes(database);
}

export function staticSource(nodes: DiscoveredNode[]): TopologySource {
  return {
    kind: "static",
    description: `static (${nodes.length} URL${nodes.length === 1 ? "" : "s"})`,
    discover: async () => nodes,
  };
}
