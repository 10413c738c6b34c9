/**
 * Bringing replicas back to streaming after a failover, rebuilding the ones that can never follow.
 *
 * A replica that replayed past the point where the primary's timeline forked off its own holds WAL
 * the primary's history does not contain (a write lost in the failover). PostgreSQL will not rewind
 * it (no pg_rewind here), so it is rebuilt: stopped at once (it serves rows that no longer exist),
 * its data directory moved aside, a fresh base backup of the primary put in its place. The old
 * directory is kept until the new copy streams, and the state file records the rebuild, so a run that
 * fails half-way loses nothing and the next `db:up` finishes the job.
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { type ClusterState, type NodeState, primaryOf, replicasOf } from "../replication/state";
import { adminUrl, type ClusterContext, findNode, handleOf, saveState } from "./context";
import { cloneFromPrimary } from "./create-replica";
import { describeDivergence } from "./divergence";
import { startNode, stopNode } from "./node-process";
import { queryOne } from "./sql";
import { type DivergedVerdict, waitUntilSettled, waitUntilStreaming } from "./streaming";
import { waitFor } from "./wait-for";

/**
 * Waits until each named replica streams from the primary on its timeline, rebuilding the ones found
 * diverged and finishing rebuilds an earlier run left pending. Returns the names of those rebuilt.
 */
export async function settleReplicas(
  ctx: ClusterContext,
  state: ClusterState,
  names = replicasOf(state).map((r) => r.name),
): Promise<string[]> {
  const nodes = names.map((name) => findNode(state, name));
  const unfinished = nodes.filter((n) => n.rebuild);
  const diverged = await waitUntilSettled(state, {
    names: nodes.filter((n) => !n.rebuild).map((n) => n.name),
    progress: ctx.progress,
  });
  const rebuilds: Array<[NodeState, DivergedVerdict | undefined]> = [
    ...unfinished.map((n) => [n, undefined] as [NodeState, undefined]),
    ...[...diverged].map(([name, verdict]) => [findNode(state, name), verdict] as [NodeState, DivergedVerdict]),
  ];
  const failures: string[] = [];
  for (const [node, verdict] of rebuilds) {
    try {
      await rebuildReplica(ctx, state, node, verdict);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) throw new Error(failures.join("\n"));
  return rebuilds.map(([node]) => node.name);
}

/** Rebuilds one replica from the primary (`verdict` says why; absent when finishing an earlier attempt). */
export async function rebuildReplica(
  ctx: ClusterContext,
  state: ClusterState,
  node: NodeState,
  verdict?: DivergedVerdict,
): Promise<void> {
  const primary = primaryOf(state);
  const handle = handleOf(ctx, node);
  if (!node.rebuild) {
    node.rebuild = { asideDir: `${node.dataDir}.diverged-${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}` };
    ctx.log(`${node.name}: ${verdict ? describeDivergence(verdict) : "to be rebuilt"}`);
    ctx.log(
      `${node.name}: REBUILDING it from ${primary.name}; its old data directory is kept at ${node.rebuild.asideDir} until the new copy streams`,
    );
    // Recorded before anything moves, so an interruption at any point below is resumed, not guessed at.
    saveState(ctx, state);
  } else {
    ctx.log(
      `${node.name}: finishing its rebuild from ${primary.name} (left unfinished by an earlier run; old data kept at ${node.rebuild.asideDir})`,
    );
  }
  const { asideDir } = node.rebuild;
  try {
    ctx.log(`${node.name}: ${stopNode(ctx, handle, "fast")}`);
    await slotReleased(ctx, state, node.name);
    // Not moved yet (interrupted right after the state was saved): move it now. Moved already: what is
    // at the data directory is the half-made copy of an earlier attempt, which cloneFromPrimary replaces.
    if (!existsSync(asideDir) && existsSync(node.dataDir)) renameSync(node.dataDir, asideDir);
    await cloneFromPrimary(ctx, state, node);
    ctx.log(`${node.name}: starting on port ${node.port}, streaming from ${primary.name} (slot ${node.name})`);
    await startNode(ctx, handle);
    await waitUntilStreaming(state, { names: [node.name], progress: ctx.progress });
  } catch (error) {
    throw new Error(
      `${node.name}: the rebuild failed: ${(error as Error).message}\n  Its old data directory is kept at ${asideDir}; ` +
        "`npm run db:up` finishes the rebuild once the cause is fixed.",
    );
  }
  rmSync(asideDir, { recursive: true, force: true });
  delete node.rebuild;
  saveState(ctx, state);
  ctx.log(`${node.name}: rebuilt; streaming from ${primary.name}; removed its old data directory ${asideDir}`);
}

/**
 * A diverged replica keeps reconnecting to the primary, so its slot is often active when it stops; the
 * primary's walsender lets go a moment after the replica is gone. The fresh slot needs it released.
 */
async function slotReleased(ctx: ClusterContext, state: ClusterState, slot: string): Promise<void> {
  await waitFor(
    `the primary to release replication slot '${slot}'`,
    async () => {
      const row = await queryOne<{ active: boolean } | undefined>(
        adminUrl(state, primaryOf(state)),
        "SELECT active FROM pg_replication_slots WHERE slot_name = $1",
        [slot],
      );
      return row?.active ? undefined : true;
    },
    { timeoutMs: 10_000, progress: ctx.progress },
  );
}
