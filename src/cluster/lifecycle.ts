/**
 * The cluster's lifecycle: `up` (create on first run, start afterwards: idempotent), `down` (stop, keep
 * data) and `clean` (stop and delete what this cluster created, nothing else).
 */
import { existsSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import path from "node:path";
import { writeNodeSettings } from "./config-files";
import { type ClusterContext, type ContextOptions, handleOf, logFileOf, openContext, requireState } from "./context";
import { createPrimary, provisionRoles } from "./create-primary";
import { createReplica, writeReplicaSettings } from "./create-replica";
import { isRunning, startNode, stopNode } from "./node-process";
import { PortTakenError, isPortFree } from "./ports";
import { type ClusterState, defaultDataRoot, primaryOf, readState, replicasOf, statePath } from "./state";
import { waitUntilStreaming } from "./streaming";

export const DEFAULT_BASE_PORT = 54320;
export const DEFAULT_REPLICAS = 2;

export interface UpOptions extends ContextOptions {
  /** Replicas wanted. A new cluster gets DEFAULT_REPLICAS; an existing one grows to this count, never shrinks. */
  replicas?: number;
  /** Primary port of a new cluster; replica N takes basePort + N. Ignored for an existing cluster. */
  basePort?: number;
}

export async function up(options: UpOptions = {}): Promise<ClusterState> {
  const ctx = openContext({ ...options, create: true });
  let state = readState(ctx.root);
  let wanted: number;
  if (!state) {
    const basePort = options.basePort ?? DEFAULT_BASE_PORT;
    wanted = options.replicas ?? DEFAULT_REPLICAS;
    ctx.log(`creating a new cluster under ${ctx.root}: a primary on ${basePort} and ${wanted} replica(s)`);
    await assertPortsFree(Array.from({ length: wanted + 1 }, (_, i) => [i === 0 ? "primary" : `replica${i}`, basePort + i] as const));
    state = await createPrimary(ctx, { port: basePort });
  } else {
    wanted = options.replicas ?? replicasOf(state).length;
    ctx.log(`starting the cluster recorded in ${statePath(ctx.root)}`);
    await startRecordedNodes(ctx, state);
    await provisionRoles(ctx, state);
  }
  await addReplicas(ctx, state, wanted);
  await waitUntilStreaming(state);
  ctx.log("every replica is streaming");
  return state;
}

/**
 * Starts the primary, then each replica. Before starting a stopped node its own settings are rewritten
 * from the state file, which is the source of truth: after a promote this is what points replicas at
 * the new primary even if they were down while it happened.
 */
async function startRecordedNodes(ctx: ClusterContext, state: ClusterState): Promise<void> {
  const primary = primaryOf(state);
  for (const node of [primary, ...replicasOf(state)]) {
    const handle = handleOf(ctx, node);
    if (!isRunning(ctx, handle)) {
      if (node === primary) writeNodeSettings(node.dataDir, { port: node.port });
      else writeReplicaSettings(state, node, primary.port);
    }
    const outcome = await startNode(ctx, handle);
    ctx.log(`${node.name}: ${outcome} (${node.role}, port ${node.port})`);
  }
  for (const fenced of state.nodes.filter((n) => n.role === "fenced")) {
    ctx.log(`${fenced.name}: left stopped (fenced: a former primary, replaced by a promote)`);
  }
}

async function addReplicas(ctx: ClusterContext, state: ClusterState, wanted: number): Promise<void> {
  const have = replicasOf(state).length;
  if (wanted < have) ctx.log(`the cluster has ${have} replicas; --replicas ${wanted} does not remove any`);
  for (let count = have; count < wanted; count++) {
    const index = nextReplicaIndex(state);
    const name = `replica${index}`;
    const port = state.basePort + index;
    await assertPortsFree([[name, port]]);
    await createReplica(ctx, state, name, port);
  }
}

/** The smallest N whose `replicaN` name and port are both unused (a promote frees neither). */
function nextReplicaIndex(state: ClusterState): number {
  const used = new Set(state.nodes.flatMap((n) => [n.name, String(n.port)]));
  let index = 1;
  while (used.has(`replica${index}`) || used.has(String(state.basePort + index))) index++;
  return index;
}

async function assertPortsFree(nodes: ReadonlyArray<readonly [string, number]>): Promise<void> {
  for (const [name, port] of nodes) {
    if (!(await isPortFree(port))) throw new PortTakenError(name, port, false);
  }
}

/** Replicas first, so they do not spend the primary's shutdown retrying their connection. */
export function down(options: ContextOptions = {}): void {
  const ctx = openContext(options);
  const state = requireState(ctx);
  const order = [...replicasOf(state), ...state.nodes.filter((n) => n.role !== "replica")];
  for (const node of order) ctx.log(`${node.name}: ${stopNode(ctx, handleOf(ctx, node))}`);
}

/** Stops the cluster and deletes its node directories, logs and state file; the data root only if left empty. */
export function clean(options: ContextOptions = {}): void {
  const root = path.resolve(options.root ?? defaultDataRoot(options.env));
  if (!readState(root)) {
    options.log?.(`no cluster under ${root}: nothing to clean`);
    return;
  }
  const ctx = openContext({ ...options, root });
  const state = requireState(ctx);
  down({ ...options, root });
  for (const node of state.nodes) {
    rmSync(node.dataDir, { recursive: true, force: true });
    rmSync(logFileOf(ctx, node.name), { force: true });
    ctx.log(`${node.name}: deleted ${node.dataDir}`);
  }
  rmSync(statePath(ctx.root), { force: true });
  for (const dir of [path.join(ctx.nodesDir, "logs"), ctx.nodesDir, ctx.root]) removeIfEmpty(dir);
}

function removeIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}
