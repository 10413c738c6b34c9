#!/bin/sh
# Entrypoint of a replica container: on first start (empty volume) it builds the replica from the primary
# with pg_basebackup, streaming from a replication slot of its own; then, on every start, it hands over
# to the official image's entrypoint, which drops to the postgres user and runs the server.
# Mirrors the embedded cluster's replicas (src/cluster/create-replica.ts): a fresh slot named after the
# replica, created before the backup so the WAL it needs is kept from the first moment; standby.signal;
# primary_conninfo with a passfile, never a password (PostgreSQL logs changed settings with their values);
# application_name = the slot name = the app's node name, which is how db:status and db:verify match
# pg_stat_replication rows and slots to replicas.
#
# Environment (docker/compose.yml): REPLICA_NAME (replica1, …), PRIMARY_HOST, REPLICATOR_PASSWORD,
# PRIMARY_PORT (default 5432), PGDATA (set by the image).
set -eu

: "${REPLICA_NAME:?must be set: the node name of this replica, also its slot and application_name}"
: "${PRIMARY_HOST:?must be set: the host name of the primary}"
: "${REPLICATOR_PASSWORD:?must be set (npm run docker:up writes it to docker/.env)}"
: "${PGDATA:?must be set (the postgres image sets it)}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"

# Written last by a bootstrap that finished. PG_VERSION alone is not proof: a container killed during
# pg_basebackup leaves a partial copy that has one. (After a promote the marker stays: never rebuilt.)
marker="$PGDATA/tandem-replica-built"
# pg_basebackup copies into this subdirectory, not into PGDATA itself: a backup taken from a promoted
# replica brings that replica's marker, early in the copy, so a backup into PGDATA that was killed half-way
# would look finished. Here a killed backup leaves no marker in PGDATA; the copied one is deleted, and the
# files move into PGDATA (renames, same volume) only once the backup and its configuration are complete.
# Deleting the marker after pg_basebackup alone would not do: a kill during the copy never reaches it.
# (The marker cannot live outside PGDATA: PGDATA is the volume's root, and the container's files are lost.)
build_dir="$PGDATA/tandem-basebackup"
# Outside PGDATA so no base backup of this node copies it; rewritten on every start from the environment.
passfile=/var/lib/postgresql/replication.pgpass

as_postgres() { gosu postgres "$@"; }

# libpq's passfile format: host:port:database:user:password, with ':' and '\' escaped. Database '*': the
# WAL receiver and pg_basebackup send dbname=replication, psql below sends PGDATABASE; pg_hba.conf lets this
# role in for replication only anyway.
escaped_password=$(printf '%s' "$REPLICATOR_PASSWORD" | sed 's/[\\:]/\\&/g')
( umask 077 && printf '*:*:*:replicator:%s\n' "$escaped_password" >"$passfile" )
chown postgres:postgres "$passfile"

# verify-full: the primary's certificate must chain to the cluster's CA and name PRIMARY_HOST.
conninfo="host=$PRIMARY_HOST port=$PRIMARY_PORT user=replicator passfile=$passfile application_name=$REPLICA_NAME sslmode=verify-full sslrootcert=/etc/postgresql/tls/ca.crt"

if [ ! -e "$marker" ]; then
  echo "replica-entrypoint: building $REPLICA_NAME from $PRIMARY_HOST:$PRIMARY_PORT"
  mkdir -p "$PGDATA"
  # Debris of an interrupted earlier attempt (in PGDATA or in the build directory): start from nothing.
  find "$PGDATA" -mindepth 1 -delete
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"

  # compose starts replicas after the primary is healthy; this also covers a primary that is restarting.
  until pg_isready --quiet --host="$PRIMARY_HOST" --port="$PRIMARY_PORT"; do
    echo "replica-entrypoint: waiting for $PRIMARY_HOST:$PRIMARY_PORT"
    sleep 1
  done

  # A slot of this name left by an earlier life of this replica (its volume was deleted) pins old WAL, or
  # was invalidated by max_slot_wal_keep_size: drop it and start fresh. Replication commands go over a
  # replication connection, the only kind pg_hba.conf allows the replicator. READ_REPLICATION_SLOT gives
  # an empty slot_type when there is no such slot; DROP_REPLICATION_SLOT refuses while another server
  # streams from it, which is the right answer for two replicas with one name.
  slot=$(as_postgres psql "$conninfo replication=true" --no-psqlrc --no-align --tuples-only \
    --command="READ_REPLICATION_SLOT $REPLICA_NAME")
  slot_type=$(printf '%s\n' "$slot" | cut -d '|' -f 1)
  if [ -n "$slot_type" ]; then
    echo "replica-entrypoint: dropping the old slot $REPLICA_NAME on the primary"
    as_postgres psql "$conninfo replication=true" --no-psqlrc --quiet --command="DROP_REPLICATION_SLOT $REPLICA_NAME"
  fi

  # --create-slot: the slot exists before the backup starts; --wal-method=stream fetches the WAL written
  # during the copy through it. --checkpoint=fast: start now instead of after a spread checkpoint.
  as_postgres pg_basebackup --dbname="$conninfo" --pgdata="$build_dir" --wal-method=stream \
    --slot="$REPLICA_NAME" --create-slot --checkpoint=fast --no-password
  rm -f "$build_dir/${marker##*/}" # the source's, if it is a promoted replica

  # What pg_basebackup --write-recovery-conf would write, minus the password it would copy into it.
  touch "$build_dir/standby.signal"
  cat >>"$build_dir/postgresql.auto.conf" <<CONF
# Written by docker/postgres/replica-entrypoint.sh: stream from the primary through this replica's slot.
primary_conninfo = '$conninfo'
primary_slot_name = '$REPLICA_NAME'
CONF
  chown postgres:postgres "$build_dir/standby.signal" "$build_dir/postgresql.auto.conf"
  find "$build_dir" -mindepth 1 -maxdepth 1 -exec mv {} "$PGDATA"/ \;
  rmdir "$build_dir"
  touch "$marker"
  echo "replica-entrypoint: $REPLICA_NAME built; it streams from slot $REPLICA_NAME"
fi

exec docker-entrypoint.sh "$@"
