/**
 * The probe's one query: is the node in recovery, its position, timeline and whether replay is paused.
 * Asked through the SECURITY DEFINER function the cluster manager installs (sql/tandem-monitor.sql), so
 * the app's role needs no monitoring rights; on a cluster without it, the same SELECT inline.
 */
import type pg from "pg";
import { sqlStateOf } from "~/replication/connection-errors";
import { NO_FUNCTION_STATES } from "~/replication/status";

const NODE_STATE_FUNCTION =
  "SELECT in_recovery, lsn, replay_paused, timeline, receiver_status FROM tandem_monitor.node_state()";
/** Timelines then need pg_read_all_stats. */
const NODE_STATE_INLINE = `
  SELECT pg_is_in_recovery() AS in_recovery,
         (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text AS lsn,
         CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END AS replay_paused,
         CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
              ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer END AS timeline,
         (SELECT status FROM pg_stat_wal_receiver) AS receiver_status`;

export interface NodeStateRow {
  in_recovery: boolean;
  lsn: string | null;
  replay_paused: boolean;
  timeline: number | null;
}

export interface ProbeMode {
  /** Whether to probe through tandem_monitor.node_state() (until the node says it has none). */
  useFunctions: boolean;
}

/** The node's state; a node that says it has no such function is asked inline from then on (`mode` remembers). */
export async function queryNodeState(pool: pg.Pool, mode: ProbeMode): Promise<NodeStateRow> {
  if (mode.useFunctions) {
    try {
      return (await pool.query<NodeStateRow>(NODE_STATE_FUNCTION)).rows[0];
    } catch (error) {
      if (!NO_FUNCTION_STATES.has(sqlStateOf(error) ?? "")) throw error;
      mode.useFunctions = false;
    }
  }
  return (await pool.query<NodeStateRow>(NODE_STATE_INLINE)).rows[0];
}
