/**
 * The cluster's state file: the one record of what the embedded cluster is.
 *
 * `db:up` writes it when it creates nodes, `db:promote` rewrites it when the topology changes, and
 * everything else (status, verify, the app's config, prisma.config.ts) only reads it. Keeping the
 * topology in a file rather than inferring it from running processes is what lets `db:up` start the
 * cluster "as it now is" after a promote, and lets the app find the current primary without flags.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export type NodeRole = "primary" | "replica" | "fenced";

export interface NodeState {
  name: string;
  /** `fenced` is a former primary stopped by a promote: kept on disk, never started again. */
  role: NodeRole;
  port: number;
  /** Absolute path of the node's PGDATA. */
  dataDir: string;
  /**
   * Set while a replica that diverged is rebuilt from the primary: where its old data directory waits
   * (moved aside, removed once the new copy streams). A run that fails half-way leaves it set, and the
   * next `db:up` finishes the rebuild instead of starting a half-made copy.
   */
  rebuild?: { asideDir: string };
  /** The address the node listens on and is dialled at; unset: the cluster's `host`. */
  host?: string;
  /**
   * The network namespace (`ip netns`) its server runs in, so the network can cut it off alone (the
   * multi-host test topology: docs/multi-host-testing.md). Unset: the cluster manager's own.
   */
  netns?: string;
}

export interface Credentials {
  user: string;
  password: string;
}

export interface ClusterState {
  version: 1;
  host: string;
  /** The application database, owned by `app.user`. */
  database: string;
  /** The first primary's port; replica N listens on basePort + N. */
  basePort: number;
  /**
   * How many replicas the cluster should have: set at creation, raised by `db:up --replicas N`, lowered
   * by a promote (the promoted replica becomes the primary). `db:up` builds missing ones, so a creation
   * interrupted by Ctrl-C is finished by the next run.
   */
  targetReplicas: number;
  superuser: Credentials;
  /** The app's runtime role: rows in the owner's tables, nothing else (src/cluster/roles.ts). */
  app: Credentials;
  /** Owns the database and its tables, runs Prisma Migrate. Unset in a state written before it existed; `db:up` adds it. */
  owner?: Credentials;
  /** Where the superuser's socket lives (its only way in). Unset in an older cluster, whose superuser uses TCP. */
  socketDir?: string;
  /** The role replicas stream with: REPLICATION LOGIN and nothing else. */
  replicator: Credentials;
  nodes: NodeState[];
  /**
   * The cluster's TLS (./tls.ts): `rootCert` is the CA certificate every client verifies the nodes with.
   * Absent on a cluster created before TLS, until `db:up` upgrades it.
   */
  tls?: { rootCert: string };
  /** Networks (CIDR) clients and replicas connect from, for pg_hba.conf; unset: DEFAULT_CLIENT_NETWORKS. */
  clientNetworks?: string[];
}

/** Where clients come from when every node is on 127.0.0.1. */
export const DEFAULT_CLIENT_NETWORKS = ["127.0.0.1/32"];

/** The address a node is dialled at. */
export function hostOf(state: Pick<ClusterState, "host">, node: Pick<NodeState, "host">): string {
  return node.host ?? state.host;
}

export function clientNetworksOf(state: Pick<ClusterState, "clientNetworks">): string[] {
  return state.clientNetworks ?? DEFAULT_CLIENT_NETWORKS;
}

export const STATE_FILE = "cluster.json";

/** Where the state file and (by default) the node data directories live. */
export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  // turbopackIgnore: a path built from cwd makes Next's output tracing copy the whole project (data
  // directories and this passwords file included) into a standalone build.
  return path.resolve(
    /* turbopackIgnore: true */ env.TANDEM_DATA_DIR ?? path.join(/* turbopackIgnore: true */ process.cwd(), ".tandem"),
  );
}

export function statePath(root: string): string {
  return path.join(root, STATE_FILE);
}

export function readState(root: string): ClusterState | undefined {
  const file = statePath(root);
  if (!existsSync(file)) return undefined;
  let state: ClusterState;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as ClusterState;
  } catch (error) {
    throw new Error(
      `The cluster state file ${file} is not valid JSON (${(error as Error).message}).\n  Fix: restore it from a backup, or delete the cluster with \`npm run db:clean\` (its data is lost).`,
    );
  }
  if (!Array.isArray(state.nodes) || !state.superuser || !state.app || !state.replicator) {
    throw new Error(
      `The cluster state file ${file} is incomplete (no nodes or credentials).\n  Fix: restore it from a backup, or delete the cluster with \`npm run db:clean\`.`,
    );
  }
  state.targetReplicas ??= replicasOf(state).length; // files written before the field existed
  return state;
}

/** Written atomically (temp file + rename) so a crash mid-write never leaves half a topology. */
export function writeState(root: string, state: ClusterState): void {
  const file = statePath(root);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // holds passwords
  renameSync(tmp, file);
}

export function primaryOf(state: ClusterState): NodeState {
  const primary = state.nodes.find((n) => n.role === "primary");
  if (!primary) throw new Error(`The cluster state has no primary node: ${JSON.stringify(state.nodes)}`);
  return primary;
}

export function replicasOf(state: ClusterState): NodeState[] {
  return state.nodes.filter((n) => n.role === "replica");
}
