#!/bin/sh
# First step of every PostgreSQL container's entrypoint: puts this node's TLS certificate and key, mounted
# read-only from docker/tls/ (written by `npm run docker:up`, src/scripts/docker-tls.ts), where tandem.conf's
# ssl_cert_file/ssl_key_file point, owned by postgres with the key 0600 as PostgreSQL demands (a bind mount
# keeps the host's owner, which the server would refuse). Then it runs the rest of the entrypoint ("$@").
# Runs on every start, so a certificate renewed on the host is picked up by a container restart.
set -eu

src=/etc/postgresql/tls
dest=/var/lib/postgresql/tls
for file in "$src/server.crt" "$src/server.key" "$src/ca.crt"; do
  if [ ! -r "$file" ]; then
    echo "tls-entrypoint: $file is missing; run npm run docker:up, which writes docker/tls/" >&2
    exit 1
  fi
done
mkdir -p "$dest"
( umask 077 && cp "$src/server.key" "$dest/server.key.tmp" && mv "$dest/server.key.tmp" "$dest/server.key" )
cp "$src/server.crt" "$dest/server.crt"
chown -R postgres:postgres "$dest"
chmod 0600 "$dest/server.key"
exec "$@"
