#!/bin/sh
# The app container's entrypoint: bring the primary's schema up to date, then serve.
# `prisma migrate deploy` only applies migrations already in prisma/migrations (never generates any) and
# takes Prisma's advisory lock, so several app containers starting at once are safe. It targets
# MIGRATE_DATABASE_URL, the primary as the owner role (the app's own role may not change the schema), and
# refuses a replica (src/schema-engine/replica-guard.ts).
set -eu
npm run --silent migrate:deploy
# The app's server (API fast path + Next, src/server/http/server.ts) on Next's standalone output, on
# every interface of the container (not only localhost) and port $PORT (3000, set in the Dockerfile).
exec node .next/tandem-server.mjs -H 0.0.0.0
