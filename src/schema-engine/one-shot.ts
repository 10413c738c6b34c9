/**
 * The engine's one-shot form: `schema-engine --datasource '{"url":…}' cli <command>`.
 *
 * Prisma's CLI uses it before most migrate commands (`can-connect-to-database`), and after a P1003 to
 * create the missing database (`create-database`). Its contract, from prisma/build/cli.js (functions
 * around `"can-connect-to-database"`): exit 0 on success; on failure exit 1 with stderr = one line the CLI
 * skips, then JSON log lines, of which it reads the first
 * `{"level":"ERROR","target":"schema_engine::logger","fields":{"error_code","message"}}`.
 * Every stderr line after the first must be JSON, or the CLI fails with "Could not parse schema engine
 * response".
 */
import type pg from "pg";
import { onDatabase, type PgTarget, parseDatabaseUrl } from "./database-url";
import { describe, UserFacingError } from "./errors";
import { isInRecovery, probeTarget, withConnection } from "./preflight";
import { replicaRefusal } from "./replica-guard";

export type OneShotCommand = "can-connect-to-database" | "create-database";

export function isOneShotCommand(command: string): command is OneShotCommand {
  return command === "can-connect-to-database" || command === "create-database";
}

/** Runs the command and returns the process exit code. */
export async function runOneShot(command: OneShotCommand, url: string | undefined): Promise<number> {
  try {
    if (!url) throw new UserFacingError("No datasource URL was given. Set DATABASE_URL or run `npm run db:up`.");
    const target = parseDatabaseUrl(url);
    if (command === "can-connect-to-database") await probeTarget(target);
    else await createDatabase(target);
    return 0;
  } catch (error) {
    const { message, errorCode } = describe(error);
    const line = (level: string, fields: Record<string, unknown>) =>
      `${JSON.stringify({ level, fields, target: "schema_engine::logger" })}\n`;
    process.stderr.write(line("INFO", { message: `schema-engine (WebAssembly shim) cli ${command}` }));
    process.stderr.write(line("ERROR", { error_code: errorCode, message }));
    return 1;
  }
}

/**
 * CREATE DATABASE from the server's maintenance database, as Prisma's engine does (`postgres`, else
 * `template1` on servers where `postgres` was dropped). Refused on a replica like any other write.
 */
export async function createDatabase(target: PgTarget): Promise<string> {
  const { database } = target.config;
  await onMaintenanceDatabase(target, async (client) => {
    if (await isInRecovery(client)) throw replicaRefusal(target);
    await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  });
  return database;
}

async function onMaintenanceDatabase(target: PgTarget, run: (client: pg.Client) => Promise<void>): Promise<void> {
  try {
    await withConnection(onDatabase(target, "postgres"), run);
  } catch (error) {
    if (!(error instanceof UserFacingError && error.errorCode === "P1003")) throw error;
    await withConnection(onDatabase(target, "template1"), run);
  }
}
