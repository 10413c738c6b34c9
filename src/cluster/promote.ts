/**
 * Promoting a replica to primary without losing the other replicas, in the order that avoids split
 * brain:
 *   1. prepare slots on the candidate for the other replicas (slots can be created on a standby), so
 *      no WAL they need is recycled once it is primary;
 *   2. fence the old primary: stop it, and record it as `fenced` so nothing starts it again. Two nodes
 *      accepting writes at once is the failure this step exists to prevent;
 *   3. pg_promote() the candidate and record the new topology;
 *   4. re-point the other replicas at it (ALTER SYSTEM + reload: they follow the new timeline);
 *   5. drop slots nobody streams from, which would otherwise retain WAL until max_slot_wal_keep_size;
 *   6. wait for the others to stream on the new timeline, rebuilding any that diverged (replayed past
 *      the fork point: writes the candidate never received, lost with the old primary).
 */

import { type ClusterState, primaryOf, replicasOf } from "../replication/state";
import { replicaConninfo } from "./config-files";
import {
  adminUrl,
  type ClusterContext,
  type ContextOptions,
  exclusively,
  findNode,
  handleOf,
  openContext,
  ROLE_NAMES,
  requireState,
  saveState,
} from "./context";
import { ensureSlot } from "./create-replica";
import { whereItListens } from "./node-network";
import { isRunning, startNode, stopNode } from "./node-process";
import { settleReplicas } from "./rebuild-replica";
import { literal, queryOne, withClient } from "./sql";

export async function promote(name: string, options: ContextOptions = {}): Promise<ClusterState> {
  const ctx = openContext(options);
  return exclusively(ctx, () => promoteLocked(ctx, name));
}

async function promoteLocked(ctx: ClusterContext, name: string): Promise<ClusterState> {
  const state = requireState(ctx);
  const candidate = findNode(state, name);
  if (candidate.role !== "replica")
    throw new Error(`'${name}' is ${ROLE_NAMES[candidate.role]}, not a replica; only a replica can be promoted.`);
  if (candidate.rebuild)
    throw new Error(
      `'${name}' is half-way through a rebuild (its data directory is an unfinished copy); finish it with \`npm run db:up\` first.`,
    );
  // A failover is needed exactly when things are down: start the candidate (as a replica) if it is not.
  if ((await startNode(ctx, handleOf(ctx, candidate))) === "started") ctx.log(`${name}: started (it was not running)`);
  const oldPrimary = primaryOf(state);
  const others = replicasOf(state).filter((r) => r !== candidate);

  ctx.log(`${name}: preparing replication slots for ${others.map((r) => r.name).join(", ") || "no other replicas"}`);
  for (const other of others) await ensureSlot(adminUrl(state, candidate), other.name, { fresh: false });

  ctx.log(`${oldPrimary.name}: fencing (fast shutdown, then never started again) so only one node accepts writes`);
  stopNode(ctx, handleOf(ctx, oldPrimary), "fast");

  ctx.log(`${name}: pg_promote()`);
  const { promoted } = await ctx.progress(
    `waiting for ${name} to finish promotion`,
    queryOne<{ promoted: boolean }>(adminUrl(state, candidate), "SELECT pg_promote(true, 60) AS promoted"),
  );
  if (!promoted)
    throw new Error(`${name} did not finish promotion within 60 s; see its log ${handleOf(ctx, candidate).logFile}`);
  oldPrimary.role = "fenced";
  candidate.role = "primary";
  state.targetReplicas = others.length;
  saveState(ctx, state);

  for (const other of others) {
    if (!isRunning(ctx, handleOf(ctx, other))) {
      ctx.log(`${other.name}: not running; \`npm run db:up\` will point it at ${name} when it starts`);
      continue;
    }
    ctx.log(`${other.name}: re-pointing at ${name} (${whereItListens(candidate)}, slot ${other.name})`);
    await withClient(adminUrl(state, other), async (client) => {
      await client.query(
        `ALTER SYSTEM SET primary_conninfo = ${literal(replicaConninfo(ctx, state, other.name, candidate))}`,
      );
      await client.query(`ALTER SYSTEM SET primary_slot_name = ${literal(other.name)}`);
      await client.query("SELECT pg_reload_conf()");
    });
  }

  await dropStaleSlots(state);
  // Those that replayed past the fork point (the old primary's last writes, lost here) can never follow
  // the new timeline: rebuilt from the new primary instead of waited for.
  const rebuilt = await settleReplicas(
    ctx,
    state,
    others.filter((o) => isRunning(ctx, handleOf(ctx, o))).map((o) => o.name),
  ).catch((error: Error) => {
    throw new Error(
      `${name} is the primary (the promotion is done and recorded), but not every replica follows it:\n${error.message}`,
    );
  });
  ctx.log(
    `${name} is the primary; ${others.length} replica(s) follow it${rebuilt.length > 0 ? ` (${rebuilt.join(", ")} rebuilt)` : ""}`,
  );
  if (others.length === 0) ctx.log("no replicas are left: add one with `npm run db:up -- --replicas 1`");
  return state;
}

/** Drops the current primary's physical slots that no recorded replica uses. */
export async function dropStaleSlots(state: ClusterState): Promise<string[]> {
  const wanted = replicasOf(state).map((r) => r.name);
  return withClient(adminUrl(state, primaryOf(state)), async (client) => {
    const { rows } = await client.query<{ slot_name: string }>(
      "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical' AND NOT active AND NOT (slot_name = ANY($1))",
      [wanted],
    );
    for (const { slot_name } of rows) await client.query("SELECT pg_drop_replication_slot($1)", [slot_name]);
    return rows.map((r) => r.slot_name);
  });
}
