/**
 * What each node says about replication, in SQL: a node's own view (recovery, timeline, replay, its WAL
 * receiver) and the writer's view of its replicas (pg_stat_replication, physical slots). One round trip
 * each (two on a node without sql/tandem-monitor.sql's functions). The cluster manager runs them over short-lived connections (`db:status`, `db:verify`); the app
 * over the monitor's pooled ones (replication.status), so both report the same facts the same way.
 */

/** Runs one statement on one node and returns its rows. */
export type NodeQuery = <R extends object>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface SlotStatus {
  name: string;
  active: boolean;
  retainedBytes: number | null;
  walStatus: string | null;
}

export interface WalReceiverStatus {
  status: string;
  senderHost: string | null;
  senderPort: number | null;
  lastMsgSendTime: string | null;
  lastMsgReceiptTime: string | null;
  /** The application_name it streams under, which is how the writer's rows are matched to it. */
  applicationName: string | null;
}

/** A node's own answer. The replica-only fields are absent on a node that is not in recovery. */
export interface SelfStatus {
  inRecovery: boolean;
  /** Writable node: its current timeline. Replica: the timeline its WAL receiver streams (null when none). */
  timeline: number | null;
  /** Writable node: current WAL position. Replica: last replayed position. */
  lsn: string | null;
  receiveLsn?: string | null;
  replayPaused?: boolean;
  /** Seconds since the last replayed transaction committed on the primary (grows when the primary is idle). */
  replayDelaySeconds?: number | null;
  walReceiver?: WalReceiverStatus | null;
}

/** The writer's view of one replica (its pg_stat_replication row), null fields when it is not connected. */
export interface StreamStatus {
  state: string | null;
  syncState: string | null;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  writeLagSeconds: number | null;
  flushLagSeconds: number | null;
  replayLagSeconds: number | null;
  lagBytes: number | null;
}

export interface WriterView {
  streams: ReplicationRow[];
  slots: SlotRow[];
}

interface ReplicationRow {
  application_name: string;
  state: string;
  sync_state: string;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  write_lag: number | null;
  flush_lag: number | null;
  replay_lag: number | null;
  lag_bytes: number | string | null;
}

interface SlotRow {
  slot_name: string;
  active: boolean;
  retained_bytes: number | string | null;
  wal_status: string | null;
}

interface SelfRow {
  in_recovery: boolean;
  lsn: string | null;
  receive_lsn: string | null;
  paused: boolean | null;
  replay_delay: number | null;
  timeline: string | null;
  receiver_status: string | null;
  received_tli: number | null;
  sender_host: string | null;
  sender_port: number | null;
  last_msg_send_time: Date | null;
  last_msg_receipt_time: Date | null;
  conninfo: string | null;
}

/**
 * Where the receiver's and the writer's rows come from: the SECURITY DEFINER functions of
 * sql/tandem-monitor.sql, so the app's role needs no pg_monitor, or the views themselves on a cluster
 * without them (a role then needs pg_read_all_stats to see more than pids).
 */
interface Sources {
  walReceiver: string;
  replication: string;
}

const SOURCES: { functions: Sources; views: Sources } = {
  functions: { walReceiver: "tandem_monitor.wal_receiver()", replication: "tandem_monitor.replication()" },
  views: { walReceiver: "pg_stat_wal_receiver", replication: "pg_stat_replication" },
};

/** SQLSTATEs that say "no such function / schema / permission": the node lacks tandem_monitor. */
export const NO_FUNCTION_STATES = new Set(["42883", "3F000", "42501"]);

/** Runs the statement over the functions, or over the views when the node has none. */
async function overSources<R extends object>(query: NodeQuery, sql: (source: Sources) => string): Promise<R[]> {
  try {
    return await query<R>(sql(SOURCES.functions));
  } catch (error) {
    if (!NO_FUNCTION_STATES.has((error as { code?: string }).code ?? "")) throw error;
    return query<R>(sql(SOURCES.views));
  }
}

// The receiver has one row while it runs and none otherwise, hence the outer join.
const SELF_SQL = ({ walReceiver }: Sources) => `
  SELECT pg_is_in_recovery() AS in_recovery,
         CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS lsn,
         pg_last_wal_receive_lsn()::text AS receive_lsn,
         CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' END AS paused,
         EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_delay,
         CASE WHEN NOT pg_is_in_recovery() THEN substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END AS timeline,
         r.status AS receiver_status, r.received_tli, r.sender_host, r.sender_port, r.last_msg_send_time, r.last_msg_receipt_time, r.conninfo
    FROM (SELECT 1) AS one LEFT JOIN ${walReceiver} AS r ON true`;

const WRITER_SQL = ({ replication }: Sources) => `
  SELECT (SELECT coalesce(json_agg(r), '[]') FROM (
            SELECT application_name, state, sync_state, sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text,
                   EXTRACT(epoch FROM write_lag)::float8 AS write_lag, EXTRACT(epoch FROM flush_lag)::float8 AS flush_lag,
                   EXTRACT(epoch FROM replay_lag)::float8 AS replay_lag,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes
              FROM ${replication}) AS r) AS streams,
         (SELECT coalesce(json_agg(s), '[]') FROM (
            SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained_bytes, wal_status
              FROM pg_replication_slots WHERE slot_type = 'physical') AS s) AS slots`;

export async function selfStatus(query: NodeQuery): Promise<SelfStatus> {
  const [row] = await overSources<SelfRow>(query, SELF_SQL);
  const status: SelfStatus = {
    inRecovery: row.in_recovery,
    timeline: row.timeline ? Number.parseInt(row.timeline, 16) : (row.received_tli ?? null),
    lsn: row.lsn,
  };
  if (!row.in_recovery) return status;
  return {
    ...status,
    receiveLsn: row.receive_lsn,
    replayPaused: row.paused === true,
    replayDelaySeconds: row.replay_delay,
    walReceiver: row.receiver_status
      ? {
          status: row.receiver_status,
          senderHost: row.sender_host,
          senderPort: row.sender_port,
          lastMsgSendTime: row.last_msg_send_time?.toISOString() ?? null,
          lastMsgReceiptTime: row.last_msg_receipt_time?.toISOString() ?? null,
          applicationName: /application_name=(\S+)/.exec(row.conninfo ?? "")?.[1] ?? null,
        }
      : null,
  };
}

/** The writer's rows for every replica and slot; match one replica with `streamOf`. */
export async function writerView(query: NodeQuery): Promise<WriterView> {
  const [row] = await overSources<WriterView>(query, WRITER_SQL);
  return row;
}

/**
 * One replica's stream and slot in the writer's view, matched by the application_name its receiver
 * streams under (its node name when it has no receiver).
 */
export function streamOf(
  view: WriterView,
  replica: { name: string; walReceiver?: WalReceiverStatus | null },
): { stream: StreamStatus; slot: SlotStatus | null } {
  const key = replica.walReceiver?.applicationName ?? replica.name;
  const row = view.streams.find((r) => r.application_name === key);
  const slot = view.slots.find((s) => s.slot_name === key);
  return {
    stream: {
      state: row?.state ?? null,
      syncState: row?.sync_state ?? null,
      sentLsn: row?.sent_lsn ?? null,
      writeLsn: row?.write_lsn ?? null,
      flushLsn: row?.flush_lsn ?? null,
      replayLsn: row?.replay_lsn ?? null,
      // NULL in pg_stat_replication means "caught up and idle", not "unknown".
      writeLagSeconds: row ? (row.write_lag ?? 0) : null,
      flushLagSeconds: row ? (row.flush_lag ?? 0) : null,
      replayLagSeconds: row ? (row.replay_lag ?? 0) : null,
      lagBytes: row?.lag_bytes == null ? null : Number(row.lag_bytes),
    },
    slot: slot
      ? {
          name: slot.slot_name,
          active: slot.active,
          retainedBytes: slot.retained_bytes == null ? null : Number(slot.retained_bytes),
          walStatus: slot.wal_status,
        }
      : null,
  };
}
