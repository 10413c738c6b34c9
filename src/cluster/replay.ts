/**
 * Pausing and resuming WAL replay on a replica. WAL keeps arriving while replay is paused, so this is a
 * faithful way to make a replica lag on purpose: reads there go stale while it stays connected.
 */
import { type ContextOptions, ROLE_NAMES, adminUrl, findNode, openContext, requireState } from "./context";
import { isUnreachable } from "../replication/connection-errors";
import { queryOne } from "./sql";

export async function setReplayPaused(name: string, paused: boolean, options: ContextOptions = {}): Promise<string> {
  const ctx = openContext(options);
  const state = requireState(ctx);
  const node = findNode(state, name);
  if (node.role !== "replica") throw new Error(`'${name}' is ${ROLE_NAMES[node.role]}; replay can only be paused on a replica.`);
  const url = adminUrl(state, node);
  try {
    await queryOne(url, paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    throw new Error(`${name} is not reachable (${(error as Error).message}); start it with \`npm run db:up\` first.`);
  }
  // pg_wal_replay_pause() only requests the pause; report the state the replica is really in.
  const { state: pauseState } = await queryOne<{ state: string }>(url, "SELECT pg_get_wal_replay_pause_state() AS state");
  ctx.log(`${name}: ${paused ? "pause requested" : "replay resumed"}; replay is now ${pauseState}`);
  return pauseState;
}
