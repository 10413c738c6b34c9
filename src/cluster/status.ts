/**
 * What each node is doing, gathered with SQL: the primary's view of every replica (pg_stat_replication,
 * pg_replication_slots) joined with each replica's own view (pg_stat_wal_receiver, replay position).
 */
import { withClient } from "./sql";
import { type Topology, type TopologyNode, primaryNode } from "./topology";

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
  /** The application_name it streams under, which is how the primary's rows are matched to it. */
  applicationName: string | null;
}

export interface NodeStatus {
  name: string;
  role: TopologyNode["role"];
  host: string;
  port: number;
  url: string;
  running: boolean;
  error?: string;
  inRecovery?: boolean;
  timeline?: number | null;
  /** Primary: current WAL position. Replica: last replayed position. */
  lsn?: string | null;
  receiveLsn?: string | null;
  replayPaused?: boolean;
  /** Seconds since the last replayed transaction committed on the primary (grows when the primary is idle). */
  replayDelaySeconds?: number | null;
  walReceiver?: WalReceiverStatus | null;
  /** The primary's view of this replica (pg_stat_replication). */
  state?: string | null;
  syncState?: string | null;
  sentLsn?: string | null;
  writeLsn?: string | null;
  flushLsn?: string | null;
  replayLsn?: string | null;
  writeLagSeconds?: number | null;
  flushLagSeconds?: number | null;
  replayLagSeconds?: number | null;
  lagBytes?: number | null;
  slot?: SlotStatus | null;
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
  lag_bytes: string | null;
}

interface SlotRow {
  slot_name: string;
  active: boolean;
  retained_bytes: string | null;
  wal_status: string | null;
}

export async function clusterStatus(topology: Topology): Promise<NodeStatus[]> {
  const statuses = await Promise.all(topology.nodes.map(nodeStatus));
  const primary = statuses.find((s) => s.name === primaryNode(topology).name);
  if (!primary?.running) return statuses;
  const { replication, slots } = await withClient(primaryNode(topology).queryUrl, async (client) => ({
    replication: (
      await client.query<ReplicationRow>(`
        SELECT application_name, state, sync_state, sent_lsn::text, write_lsn::text, flush_lsn::text, replay_lsn::text,
               EXTRACT(epoch FROM write_lag)::float8 AS write_lag, EXTRACT(epoch FROM flush_lag)::float8 AS flush_lag,
               EXTRACT(epoch FROM replay_lag)::float8 AS replay_lag,
               pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes
          FROM pg_stat_replication`)
    ).rows,
    slots: (
      await client.query<SlotRow>(`
        SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained_bytes, wal_status
          FROM pg_replication_slots WHERE slot_type = 'physical'`)
    ).rows,
  }));
  for (const status of statuses.filter((s) => s.role === "replica")) {
    const key = status.walReceiver?.applicationName ?? status.name;
    const row = replication.find((r) => r.application_name === key);
    const slot = slots.find((s) => s.slot_name === key);
    Object.assign(status, {
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
      slot: slot
        ? { name: slot.slot_name, active: slot.active, retainedBytes: slot.retained_bytes == null ? null : Number(slot.retained_bytes), walStatus: slot.wal_status }
        : null,
    });
  }
  return statuses;
}

async function nodeStatus(node: TopologyNode): Promise<NodeStatus> {
  const base = { name: node.name, role: node.role, host: node.host, port: node.port, url: node.url };
  try {
    return await withClient(node.queryUrl, async (client) => {
      const self = (
        await client.query<{
          in_recovery: boolean;
          lsn: string | null;
          receive_lsn: string | null;
          paused: boolean | null;
          replay_delay: number | null;
          timeline: string | null;
        }>(`
          SELECT pg_is_in_recovery() AS in_recovery,
                 CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS lsn,
                 pg_last_wal_receive_lsn()::text AS receive_lsn,
                 CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' END AS paused,
                 EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_delay,
                 CASE WHEN NOT pg_is_in_recovery() THEN substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END AS timeline`)
      ).rows[0];
      const receiver = (
        await client.query<{
          status: string;
          received_tli: number;
          sender_host: string | null;
          sender_port: number | null;
          last_msg_send_time: Date | null;
          last_msg_receipt_time: Date | null;
          conninfo: string | null;
        }>(`SELECT status, received_tli, sender_host, sender_port, last_msg_send_time, last_msg_receipt_time, conninfo FROM pg_stat_wal_receiver`)
      ).rows[0];
      return {
        ...base,
        running: true,
        inRecovery: self.in_recovery,
        timeline: self.timeline ? Number.parseInt(self.timeline, 16) : (receiver?.received_tli ?? null),
        lsn: self.lsn,
        ...(self.in_recovery
          ? {
              receiveLsn: self.receive_lsn,
              replayPaused: self.paused === true,
              replayDelaySeconds: self.replay_delay,
              walReceiver: receiver
                ? {
                    status: receiver.status,
                    senderHost: receiver.sender_host,
                    senderPort: receiver.sender_port,
                    lastMsgSendTime: receiver.last_msg_send_time?.toISOString() ?? null,
                    lastMsgReceiptTime: receiver.last_msg_receipt_time?.toISOString() ?? null,
                    applicationName: /application_name=(\S+)/.exec(receiver.conninfo ?? "")?.[1] ?? null,
                  }
                : null,
            }
          : {}),
      };
    });
  } catch (error) {
    return { ...base, running: false, error: (error as Error).message };
  }
}
