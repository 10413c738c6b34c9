/**
 * Nodes on addresses of their own, each server in its own network namespace: how the cluster runs as if
 * on separate hosts, so a network fault can cut off one node alone (docs/multi-host-testing.md). Making
 * the namespaces, links and addresses is the caller's business (tests/support/netns.ts); the cluster
 * manager only starts each server inside its namespace and dials it at its address. Administration
 * keeps working whatever the network does: the superuser comes in through the Unix socket, and a Unix
 * socket in a shared directory is reached by path, from any network namespace.
 */
import type { RunAs } from "./os-user";
import { isPortFree } from "./ports";

/** Where one node runs. */
export interface NodeNetwork {
  /** The address it listens on and is dialled at (by the app, Prisma, and replicas streaming from it). */
  host: string;
  /** The network namespace (`ip netns add <name>`) its server runs in. */
  netns?: string;
}

/** The cluster's network, fixed when it is created: nodes not named here run on 127.0.0.1 as usual. */
export interface ClusterNetwork {
  /** By node name (`primary`, `replica1`, …). */
  nodes: Record<string, NodeNetwork>;
  /** Networks (CIDR) clients and replicas connect from: every node's address, and the app's. */
  clientNetworks: string[];
}

/** Where `ip netns add` puts a namespace's handle (what `ip netns exec` enters too). */
export function netnsPath(netns: string): string {
  return `/run/netns/${netns}`;
}

/**
 * A command that runs `file` inside `netns` as the server's OS user. Entering a namespace takes root, so
 * nsenter (util-linux) starts as root and drops to that user once inside; `ip netns exec` would need a
 * second tool to switch user.
 */
export function inNetns(
  netns: string,
  runAs: RunAs,
  file: string,
  args: string[],
): { file: string; args: string[]; runAs: RunAs } {
  const user = runAs.switchUser ? ["--setuid", String(runAs.uid), "--setgid", String(runAs.gid)] : [];
  return {
    file: "nsenter",
    args: [`--net=${netnsPath(netns)}`, ...user, "--", file, ...args],
    runAs: { ...runAs, switchUser: false },
  };
}

/**
 * Whether a node's port is free where it will listen. Inside a namespace of its own nothing else
 * listens (and its address does not exist out here to bind).
 */
export async function isPortFreeFor(node: { host?: string; netns?: string }, port: number): Promise<boolean> {
  if (node.netns) return true;
  return isPortFree(port, node.host);
}

/** How logs name where a node listens: `port 54320`, or `10.213.7.10:54320 (netns tnd7-primary)`. */
export function whereItListens(node: { port: number; host?: string; netns?: string }): string {
  if (!node.host) return `port ${node.port}`;
  return `${node.host}:${node.port}${node.netns ? ` (netns ${node.netns})` : ""}`;
}
