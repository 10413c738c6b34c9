/** What changed between the nodes in use and a source's new answer: pure, so every case is unit-tested. */
import type { DiscoveredNode } from "./source";

export interface KnownNode {
  name: string;
  url: string;
  configuredRole: "primary" | "replica";
}

export interface TopologyChange {
  /** New names, and names whose URL changed (a node that moved is a new node: new pools, probed anew). */
  joined: DiscoveredNode[];
  /** Names no longer listed, and the old side of a moved node. */
  left: string[];
  /** Same node, but the source now believes another role (a Patroni switchover). */
  reassigned: DiscoveredNode[];
}

/** A node the source lists twice keeps its first entry. A role the source does not know counts as replica. */
export function diffTopology(current: Iterable<KnownNode>, discovered: DiscoveredNode[]): TopologyChange {
  const next = new Map<string, DiscoveredNode>();
  for (const node of discovered) if (!next.has(node.name)) next.set(node.name, node);
  const change: TopologyChange = { joined: [], left: [], reassigned: [] };
  const known = new Set<string>();
  for (const node of current) {
    known.add(node.name);
    const now = next.get(node.name);
    if (!now) change.left.push(node.name);
    else if (now.url !== node.url) {
      change.left.push(node.name);
      change.joined.push(now);
    } else if ((now.role ?? "replica") !== node.configuredRole) change.reassigned.push(now);
  }
  for (const node of next.values()) if (!known.has(node.name)) change.joined.push(node);
  return change;
}

export function isEmptyChange(change: TopologyChange): boolean {
  return change.joined.length === 0 && change.left.length === 0 && change.reassigned.length === 0;
}
