/**
 * Refuses to migrate a read replica.
 *
 * In a read/write-split setup DATABASE_URL can easily end up pointing at a replica (a copied env file,
 * a failover that moved the primary). PostgreSQL would reject the writes anyway, but as "cannot execute
 * CREATE TABLE in a read-only transaction" from somewhere inside the engine, which does not say what is
 * wrong with the setup. Checking `pg_is_in_recovery()` first gives one clear message before anything runs.
 *
 * Read-only commands (`migrate status`, `migrate diff` without a shadow database, `db pull`) stay allowed on
 * a replica: they only read the catalog and `_prisma_migrations`, and asking a replica "has this migration
 * reached you?" is a legitimate question in this project.
 */
import type { PgTarget } from "./database-url";
import { UserFacingError } from "./errors";

/** Engine methods that write to the target database. */
const WRITING_METHODS = new Set([
  "applyMigrations",
  "createDatabase",
  "dbExecute",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "reset",
  "schemaPush",
]);

/**
 * Engine methods that create a shadow database on the target's server (CREATE DATABASE is a write).
 * They are the `migrate dev` family; `diff` and `diagnoseMigrationHistory` only when asked to.
 */
const SHADOW_METHODS = new Set(["createMigration", "devDiagnostic", "evaluateDataLoss"]);

export function needsPrimary(method: string, params: unknown): boolean {
  if (WRITING_METHODS.has(method) || SHADOW_METHODS.has(method)) return true;
  const p = (params ?? {}) as { optInToShadowDatabase?: boolean; from?: { tag?: string }; to?: { tag?: string } };
  if (method === "diagnoseMigrationHistory") return p.optInToShadowDatabase === true;
  // Diffing from/to a migrations directory replays it into a shadow database.
  if (method === "diff") return p.from?.tag === "migrations" || p.to?.tag === "migrations";
  return false;
}

export function replicaRefusal(target: PgTarget): UserFacingError {
  return new UserFacingError(
    `Refusing to run migrations against ${target.label}: it is a read replica (in recovery). ` +
      "Point DATABASE_URL at the primary.",
  );
}
