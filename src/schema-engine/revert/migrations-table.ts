/** Prisma Migrate's bookkeeping: the `_prisma_migrations` table and the advisory lock every migrator takes. */
import type pg from "pg";
import { UserFacingError } from "../errors";

/** The key Prisma Migrate locks (SELECT pg_advisory_lock(72707369)) so two migrators never interleave. */
const PRISMA_MIGRATE_LOCK = 72707369;

export interface AppliedMigration {
  id: string;
  migration_name: string;
}

/** Applied migrations, oldest first. */
export async function appliedMigrations(client: pg.Client): Promise<AppliedMigration[]> {
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

/** Runs `fn` in one transaction holding Prisma Migrate's advisory lock: all of it happens, or none of it. */
export async function inMigrateTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [PRISMA_MIGRATE_LOCK]);
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}
