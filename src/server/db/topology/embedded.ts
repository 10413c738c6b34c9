/**
 * The embedded cluster's state file (src/replication/state.ts): `db:up --replicas 3` adds a node to it,
 * `db:promote` swaps roles and fences the old primary (a fenced node is no longer a node to use). The file
 * is read again only when it changed on disk (it is replaced atomically, so a new inode or mtime says so).
 */
import { statSync } from "node:fs";
import { type ClusterState, readState, statePath } from "~/replication/state";
import { clusterUrls } from "~/replication/urls";
import type { DiscoveredNode, TopologySource } from "./source";

export function nodesOfState(state: ClusterState): DiscoveredNode[] {
  const urls = clusterUrls(state);
  const roleOf = (i: number) => (i === 0 ? "primary" : "replica");
  return [urls.primary, ...urls.replicas].map(
    (url, i): DiscoveredNode => ({ name: urls.names[i], url, role: roleOf(i) }),
  );
}

/** What identifies one version of the file without reading it. */
export function fileStamp(file: string): string | undefined {
  try {
    const { ino, mtimeMs, size } = statSync(file);
    return `${ino}:${mtimeMs}:${size}`;
  } catch {
    return undefined;
  }
}

export function embeddedSource(root: string): TopologySource {
  const file = statePath(root);
  let seen: { stamp: string; nodes: DiscoveredNode[] } | undefined;
  const source: TopologySource = {
    kind: "embedded",
    description: `embedded (${file})`,
    discover: async () => {
      const stamp = fileStamp(file);
      if (stamp === undefined) throw new Error(`no cluster state file at ${file}`);
      if (seen?.stamp === stamp) return seen.nodes;
      const state = readState(root);
      if (!state) throw new Error(`no cluster state file at ${file}`);
      seen = { stamp, nodes: nodesOfState(state) };
      return seen.nodes;
    },
  };
  return source;
}
