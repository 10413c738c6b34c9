/**
 * The cluster's lifecycle: `up` (create on first run, start afterwards: idempotent), `down` (stop, keep
 * data) and `clean` (stop and delete what this cluster created, nothing else). `startOne` and `stopOne`
 * do the same for a single node, as `docker compose start/stop <service>` would: the way to take a
 * replica (or the primary) down on purpose and bring it back.
 */
import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import {
  type ClusterState,
  defaultDataRoot,
  type NodeState,
  primaryOf,
  readState,
  replicasOf,
  statePath,
} from "../replication/state";
import { ownSettings, replicationPassfile, writeNodeSettings } from "./config-files";
import {
  type ClusterContext,
  type ContextOptions,
  exclusively,
  findNode,
  handleOf,
  logFileOf,
  openContext,
  ROLE_NAMES,
  requireState,
  saveState,
} from "./context";
import { createPrimary, provisionRoles } from "./create-primary";
import { createReplica, writeReplicaSettings } from "./create-replica";
import { type ClusterNetwork, isPortFreeFor, whereItListens } from "./node-network";
import { isRunning, startNode, stopNode } from "./node-process";
import { PortTakenError } from "./ports";
import { settleReplicas } from "./rebuild-replica";
import { waitUntilStreaming } from "./streaming";
import { ensureTls } from "./tls";

export const DEFAULT_BASE_PORT = 54320;
export const DEFAULT_REPLICAS = 2;

export interface UpOptions extends ContextOptions {
  /** Replicas wanted. A new cluster gets DEFAULT_REPLICAS; an existing one grows to this count, never shrinks. */
  replicas?: number;
  /** Primary port of a new cluster; replica N takes basePort + N. Ignored for an existing cluster. */
  basePort?: number;
  /**
   * Addresses and network namespaces of nodes, for a cluster laid out as on separate hosts (tests):
   * recorded for the nodes it creates; unset, every node runs on 127.0.0.1.
   */
  network?: ClusterNetwork;
}

export async function up(options: UpOptions = {}): Promise<ClusterState> {
  const ctx = openContext({ ...options, create: true });
  return exclusively(ctx, () => upLocked(ctx, options));
}

async function upLocked(ctx: ClusterContext, options: UpOptions): Promise<ClusterState> {
  let state = readState(ctx.root);
  if (!state) {
    const basePort = options.basePort ?? DEFAULT_BASE_PORT;
    const replicas = options.replicas ?? DEFAULT_REPLICAS;
    assertPortRange(basePort, replicas);
    ctx.log(`creating a new cluster under ${ctx.root}: a primary on ${basePort} and ${replicas} replica(s)`);
    await assertPortsFree(
      Array.from({ length: replicas + 1 }, (_, i) => [i === 0 ? "primary" : `replica${i}`, basePort + i] as const),
      options.network,
    );
    state = await createPrimary(ctx, { port: basePort, replicas, network: options.network });
  } else {
    if (options.basePort !== undefined && options.basePort !== state.basePort) {
      ctx.log(
        `note: this cluster's ports were fixed when it was created (primary ${state.basePort}); the requested ${options.basePort} is ignored`,
      );
    }
    if (options.replicas !== undefined && options.replicas > state.targetReplicas) {
      state.targetReplicas = options.replicas;
      saveState(ctx, state);
    }
    ctx.log(`starting the cluster recorded in ${statePath(ctx.root)}`);
    await ensureTls(ctx, state);
    await startRecordedNodes(ctx, state);
    await provisionRoles(ctx, state);
    // After a failover: replicas that diverged from the new primary are rebuilt, and rebuilds an
    // earlier run left half-way are finished, so the cluster is back to its replicas streaming.
    await settleReplicas(ctx, state);
  }
  if (options.replicas !== undefined && options.replicas < replicasOf(state).length) {
    ctx.log(`the cluster has ${replicasOf(state).length} replicas; --replicas ${options.replicas} does not remove any`);
  }
  await addReplicas(ctx, state, state.targetReplicas, options.network);
  await waitUntilStreaming(state, { progress: ctx.progress });
  const replicas = replicasOf(state).length;
  ctx.log(
    replicas === 0
      ? "the cluster has no replicas (add some with `npm run db:up -- --replicas N`)"
      : `every replica is streaming (${replicas})`,
  );
  return state;
}

/**
 * Starts the primary, then each replica. Before starting a stopped node its own settings are rewritten
 * from the state file, which is the source of truth: after a promote this is what points replicas at
 * the new primary even if they were down while it happened. A node that fails to start does not stop
 * the others: with the primary unable to start, running replicas are what a failover needs.
 */
async function startRecordedNodes(ctx: ClusterContext, state: ClusterState): Promise<void> {
  const primary = primaryOf(state);
  const failures: string[] = [];
  for (const node of [primary, ...replicasOf(state)]) {
    if (node.rebuild) {
      ctx.log(`${node.name}: not started (a rebuild is unfinished: its data directory is a partial copy)`);
      continue;
    }
    try {
      await startRecordedNode(ctx, state, node);
    } catch (error) {
      failures.push(`${node.name}: ${(error as Error).message}`);
      ctx.log(`${node.name}: FAILED to start`);
    }
  }
  for (const fenced of state.nodes.filter((n) => n.role === "fenced")) {
    ctx.log(`${fenced.name}: left stopped (fenced: a former primary, replaced by a promote)`);
  }
  if (failures.length > 0) {
    const failover =
      failures.some((f) => f.startsWith(`${primary.name}:`)) && replicasOf(state).length > 0
        ? `\n  The primary is down; the replicas that started can take over: npm run db:promote -- ${replicasOf(state)[0].name}`
        : "";
    throw new Error(`${failures.join("\n")}${failover}`);
  }
}

/** Starts one node, first rewriting its settings from the state file if it is stopped. */
async function startRecordedNode(ctx: ClusterContext, state: ClusterState, node: NodeState): Promise<void> {
  const primary = primaryOf(state);
  const handle = handleOf(ctx, node);
  if (!isRunning(ctx, handle)) {
    if (node === primary) writeNodeSettings(node.dataDir, ownSettings(node), ctx.runAs);
    else writeReplicaSettings(ctx, state, node, primary);
  }
  const outcome = await startNode(ctx, handle);
  ctx.log(`${node.name}: ${outcome} (${node.role}, ${whereItListens(node)})`);
}

/**
 * Starts one node of an existing cluster and leaves the others as they are. A replica is waited for
 * until it streams again, unless the primary is down (it will stream once the primary is back).
 */
export async function startOne(name: string, options: ContextOptions = {}): Promise<void> {
  const ctx = openContext(options);
  await exclusively(ctx, async () => {
    const state = requireState(ctx);
    const node = findNode(state, name);
    if (node.role === "fenced") throw new Error(`'${name}' is ${ROLE_NAMES.fenced}.`);
    const primaryUp = isRunning(ctx, handleOf(ctx, primaryOf(state)));
    if (node.rebuild && !primaryUp)
      throw new Error(
        `${name} is half-way through a rebuild, which needs the primary: start it first (npm run db:up).`,
      );
    if (!node.rebuild) await startRecordedNode(ctx, state, node);
    if (node.role !== "replica") return;
    if (primaryUp) await settleReplicas(ctx, state, [node.name]);
    else ctx.log(`${name}: the primary is not running; ${name} streams once it is (npm run db:up)`);
  });
}

/** Stops one node, keeping its data; the others go on (a stopped replica's slot keeps its WAL). */
export async function stopOne(name: string, options: ContextOptions = {}): Promise<void> {
  const ctx = openContext(options);
  await exclusively(ctx, async () => {
    const node = findNode(requireState(ctx), name);
    ctx.log(`${name}: ${stopNode(ctx, handleOf(ctx, node))}`);
  });
}

async function addReplicas(
  ctx: ClusterContext,
  state: ClusterState,
  wanted: number,
  network?: ClusterNetwork,
): Promise<void> {
  for (let count = replicasOf(state).length; count < wanted; count++) {
    const index = nextReplicaIndex(state);
    const name = `replica${index}`;
    const port = state.basePort + index;
    assertPortRange(port, 0);
    await assertPortsFree([[name, port]], network);
    await createReplica(ctx, state, name, port, network?.nodes[name]);
  }
}

/** The smallest N whose `replicaN` name and port are both unused (a promote frees neither). */
function nextReplicaIndex(state: ClusterState): number {
  const used = new Set(state.nodes.flatMap((n) => [n.name, String(n.port)]));
  let index = 1;
  while (used.has(`replica${index}`) || used.has(String(state.basePort + index))) index++;
  return index;
}

/**
 * The servers never run as root, and only root may bind ports below 1024; replicas take the ports after
 * the primary's, and all must exist.
 */
function assertPortRange(basePort: number, replicas: number): void {
  if (basePort < 1024 || basePort + replicas > 65535) {
    throw new Error(
      `Port ${basePort} cannot be used: the primary and its ${replicas} replica(s) need ports ${basePort}–${basePort + replicas}, ` +
        "all between 1024 and 65535 (PostgreSQL runs as a non-root user, which cannot bind ports below 1024).",
    );
  }
}

async function assertPortsFree(
  nodes: ReadonlyArray<readonly [string, number]>,
  network: ClusterNetwork | undefined,
): Promise<void> {
  for (const [name, port] of nodes) {
    if (!(await isPortFreeFor(network?.nodes[name] ?? {}, port))) throw new PortTakenError(name, port, false);
  }
}

/** Replicas first, so they do not spend the primary's shutdown retrying their connection. */
export async function down(options: ContextOptions = {}): Promise<void> {
  const ctx = openContext(options);
  await exclusively(ctx, async () => stopAll(ctx, requireState(ctx)));
}

function stopAll(ctx: ClusterContext, state: ClusterState): void {
  const order = [...replicasOf(state), ...state.nodes.filter((n) => n.role !== "replica")];
  for (const node of order) ctx.log(`${node.name}: ${stopNode(ctx, handleOf(ctx, node))}`);
}

/** Stops the cluster and deletes its node directories, logs and state file; the data root only if left empty. */
export async function clean(options: ContextOptions = {}): Promise<void> {
  const root = path.resolve(options.root ?? defaultDataRoot(options.env));
  if (!readState(root)) {
    options.log?.(`no cluster under ${root}: nothing to clean`);
    return;
  }
  const ctx = openContext({ ...options, root });
  await exclusively(ctx, async () => {
    const state = requireState(ctx);
    stopAll(ctx, state);
    for (const node of state.nodes) {
      rmSync(node.dataDir, { recursive: true, force: true });
      if (node.rebuild) rmSync(node.rebuild.asideDir, { recursive: true, force: true });
      rmSync(logFileOf(ctx, node.name), { force: true });
      ctx.log(`${node.name}: deleted ${node.dataDir}`);
    }
    rmSync(replicationPassfile(ctx.nodesDir), { force: true });
    if (state.socketDir) rmSync(state.socketDir, { recursive: true, force: true });
    rmSync(statePath(ctx.root), { force: true });
  });
  // After the lock is released: its directory lives in the data root.
  for (const dir of [path.join(ctx.nodesDir, "logs"), ctx.nodesDir, ctx.root]) removeIfEmpty(dir);
}

function removeIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}
