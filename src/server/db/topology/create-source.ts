/** The topology source the configuration names (src/config/database.ts), and the nodes known before it is first asked. */
import type { DatabaseConfig } from "~/config/database";
import { defaultDataRoot } from "~/replication/state";
import { type AddressResolver, dnsSource } from "./dns";
import { embeddedSource } from "./embedded";
import { patroniSource } from "./patroni";
import type { DiscoveredNode, TopologySource } from "./source";
import { staticNodes, staticSource } from "./static";

export interface SourceSettings {
  /** How long one Patroni member may take to answer /cluster. */
  memberTimeoutMs: number;
  /** The DNS resolver to ask instead of the system's (a test's own DNS server). */
  dnsResolver?: AddressResolver;
}

export function topologySourceOf(
  database: DatabaseConfig,
  settings: SourceSettings,
): { source: TopologySource; initial: DiscoveredNode[] } {
  const topology = database.topology ?? { kind: "static" };
  switch (topology.kind) {
    case "static": {
      const nodes = staticNodes(database);
      return { source: staticSource(nodes), initial: nodes };
    }
    case "embedded":
      // The URLs read at start serve until the file is read again: the app routes from its first request.
      return { source: embeddedSource(topology.dataRoot ?? defaultDataRoot()), initial: staticNodes(database) };
    case "dns":
      return { source: dnsSource(topology.name, database.primaryUrl, settings.dnsResolver), initial: [] };
    case "patroni":
      return { source: patroniSource(topology.apiUrls, database.primaryUrl, settings), initial: [] };
  }
}
