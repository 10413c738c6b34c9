/**
 * Creating a streaming replica of the current primary: its own replication slot first (so the WAL it
 * needs is kept from the moment the backup starts), a base backup, standby.signal, and the settings that
 * make it stream from that slot.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ClusterState, type NodeState, primaryOf } from "../replication/state";
import { baseBackup } from "./base-backup";
import { ownSettings, replicaConninfo, writeNodeSettings } from "./config-files";
import { adminUrl, type ClusterContext, handleOf, saveState } from "./context";
import { type NodeNetwork, whereItListens } from "./node-network";
import { startNode } from "./node-process";
import { chownTree } from "./placement";
import { withClient } from "./sql";
import { installServerCertificate } from "./tls";

export async function createReplica(
  ctx: ClusterContext,
  state: ClusterState,
  name: string,
  port: number,
  network?: NodeNetwork,
): Promise<NodeState> {
  const primary = primaryOf(state);
  const replica: NodeState = { name, role: "replica", port, dataDir: path.join(ctx.nodesDir, name), ...network };
  await cloneFromPrimary(ctx, state, replica);

  state.nodes.push(replica);
  saveState(ctx, state);

  ctx.log(`${name}: starting on ${whereItListens(replica)}, streaming from ${primary.name} (slot ${name})`);
  await startNode(ctx, handleOf(ctx, replica));
  return replica;
}

/**
 * Makes `replica.dataDir` a fresh standby copy of the current primary (not started). A directory
 * already there is the debris of an interrupted attempt: it is started over.
 */
export async function cloneFromPrimary(ctx: ClusterContext, state: ClusterState, replica: NodeState): Promise<void> {
  const primary = primaryOf(state);
  const name = replica.name;
  if (existsSync(replica.dataDir)) rmSync(replica.dataDir, { recursive: true, force: true });

  ctx.log(`${name}: replication slot '${name}' on ${primary.name}`);
  await ensureSlot(adminUrl(state, primary), name, { fresh: true });

  ctx.log(`${name}: base backup of ${primary.name} (pg_backup_start, file copy, pg_backup_stop)`);
  await baseBackup(adminUrl(state, primary), primary.dataDir, replica.dataDir, `tandem ${name}`);
  writeFileSync(path.join(replica.dataDir, "standby.signal"), "");
  writeReplicaSettings(ctx, state, replica, primary);
  await installServerCertificate(ctx, state, replica); // its own, replacing the primary's from the copy
  chownTree(replica.dataDir, ctx.runAs);
}

/** A replica's own settings: its port (and address) and where, through which slot, it streams from. */
export function writeReplicaSettings(
  ctx: ClusterContext,
  state: ClusterState,
  replica: NodeState,
  primary: NodeState,
): void {
  writeNodeSettings(
    replica.dataDir,
    {
      ...ownSettings(replica),
      primary_conninfo: replicaConninfo(ctx, state, replica.name, primary),
      primary_slot_name: replica.name,
    },
    ctx.runAs,
  );
}

/**
 * Creates the physical slot a replica streams from. `fresh` drops an inactive slot of that name first,
 * so a rebuilt replica does not pin WAL from an earlier life. Slots can also be created on a standby,
 * which is how a promote prepares slots on the replica about to become primary.
 */
export async function ensureSlot(superuserUrl: string, slot: string, options: { fresh: boolean }): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    const { rows } = await client.query<{ active: boolean }>(
      "SELECT active FROM pg_replication_slots WHERE slot_name = $1",
      [slot],
    );
    if (rows.length > 0 && !options.fresh) return;
    if (rows.length > 0) {
      if (rows[0].active) throw new Error(`Replication slot '${slot}' is in use by a running replica; stop it first.`);
      await client.query("SELECT pg_drop_replication_slot($1)", [slot]);
    }
    // immediately_reserve = true: the slot holds WAL from now on, before the backup begins.
    await client.query("SELECT pg_create_physical_replication_slot($1, true)", [slot]);
  });
}
