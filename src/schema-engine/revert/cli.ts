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
 *
 * Reverting can destroy data that no later `migrate deploy` brings back: re-applying a migration re-creates
 * its tables and columns empty. So the down SQL's destructive statements (DROP TABLE, DROP SCHEMA, TRUNCATE,
 * ALTER TABLE … DROP COLUMN / ALTER COLUMN … TYPE) are measured on the target first; if any of them would
 * destroy data, the revert needs `--force`, or a typed confirmation on a terminal, and is refused otherwise.
 */
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../database-url";
import { describe, UserFacingError } from "../errors";
import { isInRecovery, withConnection } from "../preflight";
import { replicaRefusal } from "../replica-guard";
import { confirmLoss } from "./confirm";
import { dataAtRisk } from "./data-at-risk";
import { destructiveStatements } from "./destructive-statements";
import { refuseUnconfirmed } from "./losses";
import { appliedMigrations, inMigrateTransaction } from "./migrations-table";
import { computeDownSql, loadWorkspace } from "./workspace";

/** What `prisma migrate diff --script` prints when both sides are the same. */
const EMPTY_DIFF = "-- This is an empty migration.";
const USAGE = "Usage: npm run migrate:revert [-- [--force] [--config <file>]]";

interface CommandLine {
  config?: string;
  /** Accept the loss of data without asking. */
  force: boolean;
}

function parseCommandLine(): CommandLine {
  try {
    const { values } = parseArgs({
      options: { config: { type: "string" }, force: { type: "boolean", default: false } },
    });
    return { config: values.config, force: values.force };
  } catch (error) {
    // parseArgs throws a TypeError for an unknown or malformed flag: a typo deserves a message, not a stack.
    throw new UserFacingError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<void> {
  const { config, force } = parseCommandLine();
  const workspace = await loadWorkspace(config);
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
    const downSql = computeDownSql(
      workspace,
      applied.slice(0, -1).map((m) => m.migration_name),
    );
    console.log(`\n${downSql.trim()}\n`);
    if (downSql.trim() === EMPTY_DIFF) {
      console.log(
        "Note: Prisma found no schema change to undo. Its diff only covers what a Prisma schema models (tables, " +
          "columns, indexes, enums…), not functions, triggers or data; undo those by hand if the migration made any.",
      );
    }

    const destructions = destructiveStatements(downSql);
    // A first look without locks or a transaction, so that nobody (not even the app's reads, which the table
    // locks below would block) waits while a person reads the warning and answers.
    const foreseen = await dataAtRisk(client, destructions);
    if (foreseen.length) await confirmLoss(foreseen, last.migration_name, force);

    const lost = await inMigrateTransaction(client, async () => {
      // The down SQL was computed without the lock: make sure no migrate command moved the history since.
      if ((await appliedMigrations(client)).at(-1)?.id !== last.id) {
        throw new UserFacingError(
          "The migration history changed while reverting; nothing was reverted. Run the command again.",
        );
      }
      // Measured again holding the table locks the down SQL takes anyway: the counts are exactly what it
      // destroys, and no row can be written between this check and the drop.
      const atRisk = await dataAtRisk(client, destructions, { lock: true });
      if (!force) refuseUnconfirmed(atRisk, foreseen);
      // No parameters: pg sends the script with the simple query protocol, which runs several statements.
      await client.query(downSql);
      await client.query("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = $1", [last.id]);
      return atRisk;
    });
    console.log(
      lost.length
        ? `Done: ${last.migration_name} is no longer applied; \`npm run migrate:deploy\` applies the schema again; the dropped data is gone.`
        : `Done: ${last.migration_name} is no longer applied; \`npm run migrate:deploy\` applies it again.`,
    );
  });
}

main().catch((error: unknown) => {
  if (!(error instanceof UserFacingError)) throw error;
  const { message, errorCode } = describe(error);
  console.error(`Error: ${errorCode ? `${errorCode}: ` : ""}${message}`);
  process.exitCode = 1;
});
