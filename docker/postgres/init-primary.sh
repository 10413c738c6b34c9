#!/bin/sh
# Primary setup, run by the official postgres image's entrypoint from /docker-entrypoint-initdb.d, once:
# only when the data volume is empty (initdb just ran), against a temporary server on the Unix socket.
# It is idempotent all the same, so it can be re-run by hand to repair roles or passwords:
#   docker exec pg-primary sh /docker-entrypoint-initdb.d/10-tandem.sh
# It mirrors the embedded cluster (src/cluster/create-primary.ts), with the same three roles:
#   postgres    superuser (the image's POSTGRES_USER); pg_hba.conf only lets it in through docker exec
#   replicator  REPLICATION LOGIN and nothing else: what replicas stream with
#   tandem      the app and Prisma Migrate; owns database tandem; CREATEDB for Prisma's shadow database;
#               pg_monitor, to read replication statistics for lag-aware routing and db:status/db:verify
# Replication slots are not made here: each replica creates its own, fresh, when it is first built
# (replica-entrypoint.sh), so this script does not need to know how many replicas there are.
# The image runs this file if it is executable and sources it into its own entrypoint if not (a checkout
# that lost the exec bit): the subshell keeps `set -eu`, `exit` and every variable here out of it.
(
set -eu

: "${REPLICATOR_PASSWORD:?must be set (npm run docker:up writes it to docker/.env)}"
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
  --set replicator_password="$REPLICATOR_PASSWORD" --set app_password="$TANDEM_DB_PASSWORD" <<'SQL'
SET client_min_messages = warning; -- no "already a member" notices on a re-run
SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'replicator') \gexec
ALTER ROLE replicator WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'replicator_password';

SELECT 'CREATE ROLE tandem' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem') \gexec
ALTER ROLE tandem WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION PASSWORD :'app_password';
GRANT pg_monitor TO tandem;

SELECT 'CREATE DATABASE tandem OWNER tandem' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'tandem') \gexec
ALTER DATABASE tandem OWNER TO tandem;

-- The replica monitor's functions (timelines, timeline history) in the app's database, for the app's role.
\connect tandem
SET client_min_messages = warning; -- a new session: no "already exists, skipping" notices on a re-run
\i /etc/postgresql/tandem-monitor.sql
GRANT USAGE ON SCHEMA tandem_monitor TO tandem;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tandem_monitor TO tandem;
SQL
echo "init-primary: roles replicator and tandem, database tandem owned by tandem: ready"
)
