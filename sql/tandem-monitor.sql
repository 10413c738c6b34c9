-- What the app's replica monitor asks each node, as functions the superuser creates in the app's database
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

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA tandem_monitor FROM PUBLIC;
