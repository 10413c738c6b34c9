-- What the app's replica monitor and replication.status ask each node, as functions the superuser creates in the app's database
-- (the embedded cluster's `db:up`, docker/postgres/init-primary.sh, or by hand on any other cluster; the
-- caller then grants USAGE on the schema and EXECUTE on its functions to the app's role). They are
-- SECURITY DEFINER so that the app's role needs neither pg_monitor (which also shows it every session's
-- query text) nor pg_read_file (which would let it read any file of the data directory, keys included):
-- each returns only the figures routing needs. Without them the monitor runs the same SELECT inline, and
-- a role lacking pg_read_all_stats then sees no replica timelines and no timeline history (see README).
-- Idempotent. A schema of its own keeps the functions out of what Prisma Migrate compares (public).
CREATE SCHEMA IF NOT EXISTS tandem_monitor;
REVOKE ALL ON SCHEMA tandem_monitor FROM PUBLIC;

-- One probe: recovery or not; the replay position (replica) or flush position (primary); replay paused;
-- the timeline (a primary's from its current WAL file name, which is right from the first moment after a
-- promotion; a replica's from its WAL receiver: the timeline it receives, null while none runs); the WAL
-- receiver's status ("streaming", or "waiting" when it cannot follow).
CREATE OR REPLACE FUNCTION tandem_monitor.node_state(
  OUT in_recovery boolean, OUT lsn text, OUT replay_paused boolean, OUT timeline integer, OUT receiver_status text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT pg_is_in_recovery(),
         (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_flush_lsn() END)::text,
         CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' ELSE false END,
         CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)
              ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer END,
         (SELECT status FROM pg_stat_wal_receiver)
$$;

-- The history file of a timeline (pg_wal/0000000N.history): where each earlier timeline forked off.
-- Null for timeline 1, which has none, or when the file is missing.
CREATE OR REPLACE FUNCTION tandem_monitor.timeline_history(tli integer) RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN tli > 1 THEN pg_read_file('pg_wal/' || lpad(upper(to_hex(tli)), 8, '0') || '.history', true) END
$$;

-- The WAL receiver's row (none while no receiver runs), for replication.status (src/replication/status.ts):
-- without pg_read_all_stats a role sees only its pid. conninfo is the view's, whose passwords PostgreSQL
-- already masks.
CREATE OR REPLACE FUNCTION tandem_monitor.wal_receiver()
RETURNS TABLE (status text, received_tli integer, sender_host text, sender_port integer,
               last_msg_send_time timestamptz, last_msg_receipt_time timestamptz, conninfo text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT status, received_tli, sender_host, sender_port, last_msg_send_time, last_msg_receipt_time, conninfo
    FROM pg_stat_wal_receiver
$$;

-- The writer's rows for its replicas (pg_stat_replication), for replication.status: positions, lags and
-- states, not the sessions' addresses or pids.
CREATE OR REPLACE FUNCTION tandem_monitor.replication()
RETURNS TABLE (application_name text, state text, sync_state text, sent_lsn pg_lsn, write_lsn pg_lsn,
               flush_lsn pg_lsn, replay_lsn pg_lsn, write_lag interval, flush_lag interval, replay_lag interval)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT application_name, state, sync_state, sent_lsn, write_lsn, flush_lsn, replay_lsn, write_lag, flush_lag, replay_lag
    FROM pg_stat_replication
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA tandem_monitor FROM PUBLIC;
