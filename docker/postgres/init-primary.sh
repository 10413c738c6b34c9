#!/bin/sh
# Primary setup, run by the official postgres image's entrypoint from /docker-entrypoint-initdb.d, once:
# only when the data volume is empty (initdb just ran), against a temporary server on the Unix socket.
# It is idempotent all the same, so it can be re-run by hand to repair roles or passwords:
#   docker exec pg-primary sh /docker-entrypoint-initdb.d/10-tandem.sh
# It mirrors the embedded cluster (src/cluster/roles.ts), with the same roles:
#   postgres      superuser (the image's POSTGRES_USER); pg_hba.conf only lets it in through docker exec
#   replicator    REPLICATION LOGIN and nothing else: what replicas stream with (pg_hba: streaming only)
#   tandem_owner  owns database tandem and its tables; runs Prisma Migrate; CREATEDB for its shadow database
#   tandem        the app: SELECT, INSERT, UPDATE, DELETE on the owner's tables (default privileges cover
#                 tables of later migrations) and nothing else; replication statistics through
#                 tandem_monitor's SECURITY DEFINER functions (sql/tandem-monitor.sql), not pg_monitor
# Replication slots are not made here: each replica creates its own, fresh, when it is first built
# (replica-entrypoint.sh), so this script does not need to know how many replicas there are.
# The image runs this file if it is executable and sources it into its own entrypoint if not (a checkout
# that lost the exec bit): the subshell keeps `set -eu`, `exit` and every variable here out of it.
(
set -eu

: "${REPLICATOR_PASSWORD:?must be set (npm run docker:up writes it to docker/.env)}"
: "${TANDEM_OWNER_PASSWORD:?must be set (npm run docker:up writes it to docker/.env)}"
: "${TANDEM_DB_PASSWORD:?must be set (npm run docker:up writes it to docker/.env)}"

# Shared settings (replication, hba_file) live in a mounted file, included here once. The include line is
# copied to replicas by pg_basebackup; the settings take effect when the entrypoint restarts the server.
include_line="include = '/etc/postgresql/tandem.conf'"
if [ ! -r /etc/postgresql/tandem.conf ]; then
  echo "init-primary: /etc/postgresql/tandem.conf is missing (mount docker/postgres/tandem.conf there)" >&2
  exit 1
fi
if ! grep -qxF "$include_line" "$PGDATA/postgresql.conf"; then
  printf '\n# Tandem: replication settings shared by every node (docker/postgres/tandem.conf)\n%s\n' "$include_line" >>"$PGDATA/postgresql.conf"
fi

# Passwords travel as psql variables and are quoted by psql (:'name'), never pasted into SQL text.
# CREATE ROLE has no IF NOT EXISTS: \gexec runs the generated statement only when the role is missing;
# ALTER ROLE then (re)sets attributes and password, so a re-run converges to docker/.env.
psql --no-psqlrc --set ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set replicator_password="$REPLICATOR_PASSWORD" --set owner_password="$TANDEM_OWNER_PASSWORD" --set app_password="$TANDEM_DB_PASSWORD" <<'SQL'
SET client_min_messages = warning; -- no "already a member" notices on a re-run
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'replicator') \gexec
ALTER ROLE replicator WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'replicator_password';

SELECT 'CREATE ROLE tandem_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_owner') \gexec
ALTER ROLE tandem_owner WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION PASSWORD :'owner_password';

SELECT 'CREATE ROLE tandem' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem') \gexec
ALTER ROLE tandem WITH LOGIN NOCREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION PASSWORD :'app_password';
-- A volume from before tandem_monitor's replication functions had the app in pg_monitor.
SELECT 'REVOKE pg_monitor FROM tandem' WHERE pg_has_role('tandem', 'pg_monitor', 'member') \gexec

SELECT 'CREATE DATABASE tandem OWNER tandem_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'tandem') \gexec
SQL

# Inside the app database: ownership to the owner (a volume from before the owner role had the app role
# own everything), the runtime role's rows-only grants, and the same for tables later migrations create.
psql --no-psqlrc --set ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname tandem <<'SQL'
SET client_min_messages = warning;
REASSIGN OWNED BY tandem TO tandem_owner;
ALTER DATABASE tandem OWNER TO tandem_owner;
REVOKE CREATE, TEMPORARY ON DATABASE tandem FROM PUBLIC;
GRANT CONNECT ON DATABASE tandem TO tandem;
GRANT USAGE ON SCHEMA public TO tandem;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tandem;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO tandem;
ALTER DEFAULT PRIVILEGES FOR ROLE tandem_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tandem;
ALTER DEFAULT PRIVILEGES FOR ROLE tandem_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO tandem;
-- db:verify's replication markers (src/cluster/verify.ts): rows only, for the app.
CREATE SCHEMA IF NOT EXISTS tandem_verify AUTHORIZATION tandem_owner;
CREATE TABLE IF NOT EXISTS tandem_verify.markers (id text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());
ALTER SCHEMA tandem_verify OWNER TO tandem_owner;
ALTER TABLE tandem_verify.markers OWNER TO tandem_owner;
GRANT USAGE ON SCHEMA tandem_verify TO tandem;
GRANT SELECT, INSERT, DELETE ON tandem_verify.markers TO tandem;
-- The replica monitor's functions (timelines, timeline history) in the app's database, for the app's role.
\i /etc/postgresql/tandem-monitor.sql
GRANT USAGE ON SCHEMA tandem_monitor TO tandem;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tandem_monitor TO tandem;
SQL
echo "init-primary: roles replicator, tandem_owner and tandem, database tandem owned by tandem_owner: ready"
)
