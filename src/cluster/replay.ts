/**
 * Pausing and resuming WAL replay on a replica. WAL keeps arriving while replay is paused, so this is a
 * faithful way to make a replica lag on purpose: reads there go stale while it stays connected.
 */

import { isUnreachable } from "../replication/connection-errors";
import { adminUrl, type ContextOptions, findNode, openContext, ROLE_NAMES, requireState } from "./context";
import { queryOne } from "./sql";

/** pg_get_wal_replay_pause_state()'s answers. */
export type ReplayPauseState = "not paused" | "pause requested" | "paused";

/** Resolves to the replica's replay state afterwards; asking for the state it is already in changes nothing. */
export async function setReplayPaused(
  name: string,
  paused: boolean,
  options: ContextOptions = {},
): Promise<ReplayPauseState> {
  const ctx = openContext(options);
  const state = requireState(ctx);
  const node = findNode(state, name);
  if (node.role !== "replica")
    throw new Error(`'${name}' is ${ROLE_NAMES[node.role]}; replay can only be paused on a replica.`);
  const url = adminUrl(state, node);
  const before = await pauseStateOf(url).catch((error: Error) => {
    if (!isUnreachable(error)) throw error;
    throw new Error(`${name} is not reachable (${error.message}); start it with \`npm run db:up\` first.`);
  });
  if ((before !== "not paused") === paused) {
    ctx.log(`${name}: ${replayMessage(before, true)}`);
    return before;
  }
  await queryOne(url, paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
  // pg_wal_replay_pause() only requests the pause; report the state the replica is really in.
  const after = await pauseStateOf(url);
  ctx.log(`${name}: ${replayMessage(after, false)}`);
  return after;
}

/** What `db:pause` / `db:resume` say, from the state the replica reports and whether it already was so. */
export function replayMessage(state: ReplayPauseState, already: boolean): string {
  if (state === "not paused") return already ? "replay is already running (not paused)" : "replay resumed";
  if (state === "paused") return already ? "replay is already paused" : "replay paused";
  // Replay pauses between WAL records; an idle replica stays "pause requested" until the next one arrives.
  return already
    ? "a replay pause is already requested (it takes effect at the next WAL record)"
    : "replay pause requested (it takes effect at the next WAL record)";
}

async function pauseStateOf(url: string): Promise<ReplayPauseState> {
  return (await queryOne<{ state: ReplayPauseState }>(url, "SELECT pg_get_wal_replay_pause_state() AS state")).state;
}
