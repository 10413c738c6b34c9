/**
 * Everything an operation on the embedded cluster needs: where it lives, its recorded state, the
 * binaries, the OS user the servers run as, and a logger for the step-by-step output.
 */
import path from "node:path";
import lockfile from "proper-lockfile";
import { type ClusterState, defaultDataRoot, type NodeState, readState, writeState } from "../replication/state";
import { nodeUrl } from "../replication/urls";
import { locateBinaries, type PgBinaries } from "./binaries";
import { socketDirPath } from "./config-files";
import type { NodeHandle, ProcessContext } from "./node-process";
import { type RunAs, resolveRunAs } from "./os-user";
import { prepareNodesDir, reachableBinaries } from "./placement";
import { type Progress, silentProgress } from "./progress";

export type Logger = (line: string) => void;

export interface ClusterContext extends ProcessContext {
  root: string;
  nodesDir: string;
  binaries: PgBinaries;
  runAs: RunAs;
  log: Logger;
  /** Reports the waits (a replica to stream, a promotion) that may last seconds. */
  progress: Progress;
}

export interface ContextOptions {
  root?: string;
  log?: Logger;
  progress?: Progress;
  env?: NodeJS.ProcessEnv;
  /** Only `db:up` may create the data root; every other command needs an existing cluster. */
  create?: boolean;
}

export function openContext(options: ContextOptions = {}): ClusterContext {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  // turbopackIgnore: a run-time path; traced by Next it would pull the whole project (and this cluster's
  // passwords) into a standalone build.
  const root = path.resolve(/* turbopackIgnore: true */ options.root ?? defaultDataRoot(env));
  if (!options.create) requireState({ root });
  const runAs = resolveRunAs(env, log);
  const binaries = reachableBinaries(locateBinaries(), runAs, log);
  const nodesDir = prepareNodesDir(root, runAs, log);
  return { root, nodesDir, binaries, runAs, log, progress: options.progress ?? silentProgress };
}

/** The recorded state, or a clear error telling the user how to create the cluster. */
export function requireState(ctx: Pick<ClusterContext, "root">): ClusterState {
  const state = readState(ctx.root);
  if (!state) {
    throw new Error(
      `No embedded cluster under ${ctx.root}.\n  Fix: run \`npm run db:up\` to create one (or set TANDEM_DATA_DIR to where yours lives).`,
    );
  }
  return state;
}

export function saveState(ctx: ClusterContext, state: ClusterState): void {
  writeState(ctx.root, state);
}

export function handleOf(ctx: ClusterContext, node: NodeState): NodeHandle {
  return {
    name: node.name,
    port: node.port,
    dataDir: node.dataDir,
    logFile: logFileOf(ctx, node.name),
    socketDir: socketDirPath(ctx.nodesDir),
    host: node.host,
    netns: node.netns,
  };
}

export function logFileOf(ctx: ClusterContext, name: string): string {
  return path.join(ctx.nodesDir, "logs", `${name}.log`);
}

/**
 * Superuser URL of a node, for the cluster manager's own administrative statements: through the
 * cluster's private socket directory (`host=` overrides the URL's host; the port names the socket).
 */
export function adminUrl(state: ClusterState, node: NodeState, database = "postgres"): string {
  const url = nodeUrl(state, node, state.superuser, database);
  if (!state.socketDir) return url;
  // Without nodeUrl's TLS parameters: a Unix socket does not speak TLS (PostgreSQL answers a client's
  // SSLRequest there with "no").
  return `${url.split("?")[0]}?host=${encodeURIComponent(state.socketDir)}`;
}

/** How messages name a node's role ("'primary' is a fenced former primary; …"). */
export const ROLE_NAMES = {
  primary: "the primary",
  fenced: "a fenced former primary (replaced by a promote; it never starts again)",
  replica: "a replica",
} as const;

/** A node name the cluster does not have: the API answers NOT_FOUND. */
export class UnknownNodeError extends Error {
  constructor(name: string, state: ClusterState) {
    super(`Unknown node '${name}'. This cluster has: ${state.nodes.map((n) => `${n.name} (${n.role})`).join(", ")}.`);
    this.name = "UnknownNodeError";
  }
}

export function findNode(state: ClusterState, name: string): NodeState {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new UnknownNodeError(name, state);
  return node;
}

/**
 * Runs `operation` holding the cluster's lock, so two commands that change the cluster (two `db:up`s
 * from two terminals, `dev` while `db:promote` runs) take turns instead of racing: the second waits,
 * then sees what the first did (and `db:up` being idempotent, has nothing left to do). A holder that
 * died leaves a stale lock, which is taken over after LOCK_STALE_MS.
 */
export async function exclusively<T>(
  ctx: Pick<ClusterContext, "root" | "log" | "progress">,
  operation: () => Promise<T>,
): Promise<T> {
  const lockfilePath = path.join(ctx.root, "cluster.lock");
  const options = { lockfilePath, realpath: false, stale: LOCK_STALE_MS };
  if (await lockfile.check(ctx.root, options).catch(() => false))
    ctx.log("waiting for another cluster command to finish…");
  const locked = lockfile.lock(ctx.root, {
    ...options,
    retries: { retries: 600, minTimeout: 200, maxTimeout: 500 },
    onCompromised: () => {}, // the operation keeps going; a stale-lock takeover is logged by the other side
  });
  const release = await ctx
    .progress("waiting for another cluster command to finish", locked)
    .catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "ELOCKED") throw error;
      throw new Error(
        `Another cluster command has held ${lockfilePath} for too long; if none is running, delete that directory.`,
      );
    });
  try {
    return await operation();
  } finally {
    await release().catch(() => {}); // `db:clean` may have deleted the data root under it
  }
}

const LOCK_STALE_MS = 15_000;
