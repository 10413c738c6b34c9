/**
 * Prisma CLI configuration (Prisma 7 reads connection URLs from here, not from the schema, and does not
 * load .env files). prisma/revert-last-migration.ts reads it too, so both always target the same database.
 *
 * Database: src/config/database.ts's `migrationUrl`: MIGRATE_DATABASE_URL, else DATABASE_URL, else the
 * embedded cluster's current primary as its owner role (read from the state file, so it follows `db:promote`). Migrations need the role
 * that owns the tables; the app's runtime role may only read and write rows (src/cluster/roles.ts). SHADOW_DATABASE_URL optionally names a shadow database for
 * `migrate dev`; without it a temporary one is created on the same server.
 *
 * Schema engine: Prisma's CLI would download a native `schema-engine` binary on first use, from a host this
 * project's machines cannot reach. PRISMA_SCHEMA_ENGINE_BINARY points it at our launcher, which runs the
 * same engine compiled to WebAssembly (src/schema-engine/). The CLI reads this file before it looks for the
 * engine, so setting the variable here covers every `prisma …` command. On a machine that has the native
 * engine, `TANDEM_PRISMA_ENGINE=native` leaves Prisma's own resolution alone.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";
import { migrationUrl } from "./src/config/database";
import { embeddedClusterUrls } from "./src/replication/urls";

if (process.env.TANDEM_PRISMA_ENGINE !== "native") {
  const repoRoot = path.dirname(fileURLToPath(import.meta.url));
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(repoRoot, "src/schema-engine/bin/schema-engine");
}

/**
 * Whether the running `prisma` command talks to a database. `prisma generate` (run by postinstall on a
 * fresh clone, before any database exists), `validate` and `format` must work without one.
 */
function commandNeedsDatabase(argv: string[] = process.argv.slice(2)): boolean {
  const [command, subcommand] = argv;
  if (command === "db" || command === "studio") return true;
  if (command !== "migrate") return false;
  return subcommand !== "diff" || argv.some((arg) => /^--(from|to)-config-datasource$/.test(arg));
}

// Decided where the app's database is decided (an empty DATABASE_URL means "not set", as in most tools).
const url = migrationUrl(process.env, embeddedClusterUrls);
if (!url && commandNeedsDatabase()) {
  throw new Error(
    "No database to migrate: set DATABASE_URL to the primary's URL, or run `npm run db:up` to start the embedded cluster.",
  );
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: url ? { url, shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL || undefined } : undefined,
});
