/**
 * `npm run migrate:revert`: undo the last applied migration, like TypeORM's `migration:revert`.
 *
 * Prisma migrations have no down scripts, and `prisma migrate resolve --rolled-back` only accepts a
 * FAILED migration. So the down SQL is computed the Prisma way and the bookkeeping is done by hand:
 * 1. down SQL = `prisma migrate diff` from the live database to the schema that the applied migrations
 *    minus the last one produce (replayed by the real CLI in a shadow database);
 * 2. in one transaction, holding Prisma Migrate's advisory lock: run that SQL, and set `rolled_back_at` on
 *    the migration's row in `_prisma_migrations`. That is what `resolve --rolled-back` writes for a failed
 *    migration; Prisma ignores rolled-back rows (keeping them as history), so a later `migrate deploy`
 *    applies the migration again.
 * Database and migrations directory come from the Prisma config (prisma.config.ts, or `--config <file>`
 * as for the CLI), so this script and `prisma migrate …` always agree on what they work on.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import type pg from "pg";
import type { PrismaConfig } from "prisma/config";
import { parseDatabaseUrl } from "../src/schema-engine/database-url";
import { describe, UserFacingError } from "../src/schema-engine/errors";
import { isInRecovery, withConnection } from "../src/schema-engine/preflight";
import { replicaRefusal } from "../src/schema-engine/replica-guard";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The key Prisma Migrate locks (SELECT pg_advisory_lock(72707369)) so two migrators never interleave. */
const PRISMA_MIGRATE_LOCK = 72707369;
/** What `prisma migrate diff --script` prints when both sides are the same. */
const EMPTY_DIFF = "-- This is an empty migration.";

interface AppliedMigration {
  id: string;
  migration_name: string;
}

/** What the CLI would use: the config file, its datasource URL and its migrations directory. */
interface Workspace {
  configPath: string;
  url: string;
  migrationsDir: string;
}

async function loadWorkspace(): Promise<Workspace> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const configPath = path.resolve(values.config ?? path.join(repoRoot, "prisma.config.ts"));
  const config = (await import(pathToFileURL(configPath).href)).default as PrismaConfig;
  const url = config.datasource?.url;
  if (!url) {
    throw new UserFacingError(`${configPath} names no database: set DATABASE_URL, or run \`npm run db:up\` to start the embedded cluster.`);
  }
  // Relative paths in a Prisma config are relative to the config file.
  const migrationsDir = path.resolve(path.dirname(configPath), config.migrations?.path ?? "prisma/migrations");
  return { configPath, url, migrationsDir };
}

async function main(): Promise<void> {
  const workspace = await loadWorkspace();
  const target = parseDatabaseUrl(workspace.url);
  // withConnection reports connection failures as Prisma's P1000/P1001/… errors.
  await withConnection(target, async (client) => {
    if (await isInRecovery(client)) throw replicaRefusal(target);

    const applied = await appliedMigrations(client);
    const last = applied.at(-1);
    if (!last) {
      console.log(`Nothing to revert: no migration is applied to ${target.label}.`);
      return;
    }
    console.log(`Reverting ${last.migration_name} on ${target.label}`);
    const downSql = computeDownSql(workspace, applied.slice(0, -1).map((m) => m.migration_name));
    console.log(`\n${downSql.trim()}\n`);
    if (downSql.trim() === EMPTY_DIFF) {
      console.log(
        "Note: Prisma found no schema change to undo. Its diff only covers what a Prisma schema models (tables, " +
          "columns, indexes, enums…), not functions, triggers or data; undo those by hand if the migration made any.",
      );
    }
    await applyRevert(client, downSql, last);
    console.log(`Done: ${last.migration_name} is no longer applied; \`npm run migrate:deploy\` applies it again.`);
  });
}

/** Applied migrations, oldest first. */
async function appliedMigrations(client: pg.Client): Promise<AppliedMigration[]> {
  const { rows: table } = await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present");
  if (!table[0].present) return [];
  const { rows: failed } = await client.query<{ migration_name: string }>(
    "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL",
  );
  if (failed.length) {
    const name = failed[0]!.migration_name;
    throw new UserFacingError(
      `Migration ${name} failed and is not resolved; nothing is reverted while it is. ` +
        `Fix the database by hand, then run \`npx prisma migrate resolve --rolled-back ${name}\` (or --applied).`,
    );
  }
  const { rows } = await client.query<AppliedMigration>(
    "SELECT id, migration_name FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY finished_at, migration_name",
  );
  return rows;
}

/**
 * The SQL that takes the live schema to what `keep` (migration directory names) produces, from the real
 * CLI: it replays those migrations in a shadow database and diffs. Temp copies of the directories are used
 * because `--to-migrations` takes a directory, not a list.
 */
function computeDownSql({ configPath, url, migrationsDir }: Workspace, keep: string[]): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "tandem-revert-"));
  try {
    cpSync(path.join(migrationsDir, "migration_lock.toml"), path.join(tmp, "migration_lock.toml"));
    for (const name of keep) {
      const dir = path.join(migrationsDir, name);
      if (!existsSync(dir)) {
        throw new UserFacingError(`Migration ${name} is applied but missing from ${migrationsDir}; cannot rebuild the schema before the last migration.`);
      }
      cpSync(dir, path.join(tmp, name), { recursive: true });
    }
    const diff = spawnSync(
      path.join(repoRoot, "node_modules/.bin/prisma"),
      ["migrate", "diff", "--config", configPath, "--from-config-datasource", "--to-migrations", tmp, "--script"],
      // prisma.config.ts prefers DATABASE_URL: this pins the CLI to the database read above.
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, DATABASE_URL: url } },
    );
    if (diff.status !== 0) throw new UserFacingError(`prisma migrate diff failed:\n${diff.stderr}${diff.stdout}`);
    return diff.stdout;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function applyRevert(client: pg.Client, downSql: string, migration: AppliedMigration): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [PRISMA_MIGRATE_LOCK]);
    // The down SQL was computed without the lock: make sure no migrate command moved the history since.
    if ((await appliedMigrations(client)).at(-1)?.id !== migration.id) {
      throw new UserFacingError("The migration history changed while reverting; nothing was reverted. Run the command again.");
    }
    // No parameters: pg sends the script with the simple query protocol, which runs several statements.
    await client.query(downSql);
    await client.query("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1", [migration.id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof UserFacingError)) throw error;
  const { message, errorCode } = describe(error);
  console.error(`Error: ${errorCode ? `${errorCode}: ` : ""}${message}`);
  process.exitCode = 1;
});
