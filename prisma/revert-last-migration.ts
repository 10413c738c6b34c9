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
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
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
const USAGE = "Usage: npm run migrate:revert [-- [--force] [--config <file>]]";

interface AppliedMigration {
  id: string;
  migration_name: string;
}

interface CommandLine {
  config?: string;
  /** Accept the loss of data without asking. */
  force: boolean;
}

/** What the CLI would use: the config file, its datasource URL and its migrations directory. */
interface Workspace {
  configPath: string;
  url: string;
  migrationsDir: string;
}

function parseCommandLine(): CommandLine {
  try {
    const { values } = parseArgs({ options: { config: { type: "string" }, force: { type: "boolean", default: false } } });
    return { config: values.config, force: values.force };
  } catch (error) {
    // parseArgs throws a TypeError for an unknown or malformed flag: a typo deserves a message, not a stack.
    throw new UserFacingError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function loadWorkspace(config: string | undefined): Promise<Workspace> {
  const configPath = path.resolve(config ?? path.join(repoRoot, "prisma.config.ts"));
  const prismaConfig = (await import(pathToFileURL(configPath).href)).default as PrismaConfig;
  const url = prismaConfig.datasource?.url;
  if (!url) {
    throw new UserFacingError(`${configPath} names no database: set DATABASE_URL, or run \`npm run db:up\` to start the embedded cluster.`);
  }
  // Relative paths in a Prisma config are relative to the config file.
  const migrationsDir = path.resolve(path.dirname(configPath), prismaConfig.migrations?.path ?? "prisma/migrations");
  return { configPath, url, migrationsDir };
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
    const downSql = computeDownSql(workspace, applied.slice(0, -1).map((m) => m.migration_name));
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
        throw new UserFacingError("The migration history changed while reverting; nothing was reverted. Run the command again.");
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

/** Runs `fn` in one transaction holding Prisma Migrate's advisory lock: all of it happens, or none of it. */
async function inMigrateTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
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

// ---------------------------------------------------------------------------------------------------------
// Asking before data is destroyed
// ---------------------------------------------------------------------------------------------------------

/** Data that the down SQL would destroy in one object. */
interface Loss {
  /** What happens to the object, e.g. `drops table "users"`; it also tells the same object apart across measurements. */
  action: string;
  amount: number;
  /** "row" for a whole table, "non-null value" for a column. */
  unit: string;
}

function formatLosses(losses: Loss[]): string {
  return losses
    .map(({ action, amount, unit }) => {
      const quantity = `${amount.toLocaleString("en-US")} ${unit}${amount === 1 ? "" : "s"}`;
      return `  This ${action} (${quantity}) — the data cannot be restored by migrate:deploy.`;
    })
    .join("\n");
}

/** Warns about `losses`; returns if the user accepts them (`--force`, or a typed confirmation), else throws. */
async function confirmLoss(losses: Loss[], migrationName: string, force: boolean): Promise<void> {
  console.warn(`Warning: reverting ${migrationName} destroys data:\n${formatLosses(losses)}\n`);
  if (force) {
    console.warn("--force given: going ahead.");
    return;
  }
  // CI, a pipe, `< /dev/null`: nobody can answer, and silence must not count as consent.
  if (!process.stdin.isTTY) {
    throw new UserFacingError(
      `Refusing to revert ${migrationName}: it destroys the data listed above, and there is no terminal to confirm on. ` +
        "Nothing was changed. Re-run with --force to accept the loss: npm run migrate:revert -- --force",
    );
  }
  const answer = await ask(`Type ${migrationName} or "yes" to destroy this data (anything else cancels): `);
  if (answer !== migrationName && answer.toLowerCase() !== "yes") {
    throw new UserFacingError("Not confirmed; nothing was reverted.");
  }
}

/** One line from the terminal, trimmed; "" when the user closes it (Ctrl-D, Ctrl-C) instead of answering. */
async function ask(question: string): Promise<string> {
  // The prompt goes to stderr with the warning, so it shows even when stdout is piped.
  const terminal = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => {
      terminal.once("close", () => resolve(""));
      terminal.question(question, (answer) => resolve(answer.trim()));
    });
  } finally {
    terminal.close();
  }
}

/**
 * Consent was given for the objects in the warning. Data found under the lock in any other object was
 * written after that first look and was never shown to anyone, so it stops the revert.
 */
function refuseUnconfirmed(atRisk: Loss[], confirmed: Loss[]): void {
  const confirmedActions = new Set(confirmed.map((loss) => loss.action));
  const unconfirmed = atRisk.filter((loss) => !confirmedActions.has(loss.action));
  if (unconfirmed.length) {
    throw new UserFacingError(
      `Data was written while reverting, and the revert would now destroy it:\n${formatLosses(unconfirmed)}\n` +
        "Nothing was reverted. Run the command again to review it, or re-run with --force to accept the loss.",
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Measuring what the down SQL destroys
// ---------------------------------------------------------------------------------------------------------

/** A table as the database resolved it: `sql` to use in a query, `label` to show (without the current schema). */
interface Table {
  sql: string;
  label: string;
}

/** One object whose data a statement destroys: a whole table, or one column of it. */
interface Target {
  table: Table;
  column?: string;
  action: string;
}

/** The SELECT list and FROM clause that turn pg_class rows into `Table`s. */
const TABLE_ROWS = `format('%I.%I', n.nspname, c.relname) AS sql,
  CASE WHEN n.nspname = current_schema() THEN format('"%s"', c.relname) ELSE format('"%s"."%s"', n.nspname, c.relname) END AS label
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`;

/**
 * The objects that `destructions` would destroy data in, with how much. Objects that do not exist (IF
 * EXISTS) or hold nothing are left out. With `lock`, the tables are first locked the way the down SQL will
 * lock them (ACCESS EXCLUSIVE), so the counts stay true until it runs: call it in the revert's transaction.
 */
async function dataAtRisk(client: pg.Client, destructions: Destruction[], { lock = false } = {}): Promise<Loss[]> {
  const targets = (await Promise.all(destructions.map((d) => resolveTargets(client, d)))).flat();
  if (lock && targets.length) {
    const tables = [...new Set(targets.map((t) => t.table.sql))];
    await client.query(`LOCK TABLE ${tables.join(", ")} IN ACCESS EXCLUSIVE MODE`);
  }
  const losses: Loss[] = [];
  for (const { table, column, action } of targets) {
    // count(column) counts the non-null values: a column of NULLs loses nothing.
    const counted = column === undefined ? "*" : quoteIdentifier(column);
    const { rows } = await client.query<{ n: string }>(`SELECT count(${counted})::int8 AS n FROM ${table.sql}`);
    const amount = Number(rows[0]!.n);
    if (amount > 0) losses.push({ action, amount, unit: column === undefined ? "row" : "non-null value" });
  }
  return losses;
}

/** The existing objects a destructive statement works on, named the way the warning shows them. */
async function resolveTargets(client: pg.Client, destruction: Destruction): Promise<Target[]> {
  if (destruction.kind === "drop-schema") {
    const { rows } = await client.query<Table>(`SELECT ${TABLE_ROWS} WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`, [
      destruction.schema,
    ]);
    return rows.map((table) => ({ table, action: `drops schema "${destruction.schema}", and with it table ${table.label}` }));
  }
  const { rows } = await client.query<Table>(`SELECT ${TABLE_ROWS} WHERE c.oid = to_regclass($1)`, [
    destruction.table.map(quoteIdentifier).join("."),
  ]);
  const table = rows[0];
  if (!table) return [];
  switch (destruction.kind) {
    case "drop-table":
      return [{ table, action: `drops table ${table.label}` }];
    case "truncate":
      return [{ table, action: `empties table ${table.label}` }];
    case "drop-column":
    case "change-type": {
      const { column } = destruction;
      if (!(await hasColumn(client, table, column))) return [];
      const verb = destruction.kind === "drop-column" ? "drops column" : "changes the type of column";
      return [{ table, column, action: `${verb} ${table.label}."${column}"` }];
    }
  }
}

async function hasColumn(client: pg.Client, table: Table, column: string): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(
    "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped) AS present",
    [table.sql, column],
  );
  return rows[0]!.present;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Finding the destructive statements in the down SQL
// ---------------------------------------------------------------------------------------------------------

/** A bare or schema-qualified name, each part as PostgreSQL reads it (unquoted parts folded to lower case). */
type QualifiedName = string[];

/** A statement that destroys data, and what in. */
type Destruction =
  | { kind: "drop-table" | "truncate"; table: QualifiedName }
  | { kind: "drop-column" | "change-type"; table: QualifiedName; column: string }
  | { kind: "drop-schema"; schema: string };

/** `word`: an unquoted identifier or keyword, lower-cased; `quoted`: a "quoted identifier"; `symbol`: anything else. */
interface Token {
  kind: "word" | "quoted" | "symbol";
  text: string;
}

function destructiveStatements(sql: string): Destruction[] {
  return splitAt(tokenize(sql), ";").flatMap(destructionsIn);
}

/**
 * Whitespace, comments, string literals and dollar-quoted bodies are skipped, so that a `;` or a keyword in
 * a default value or a comment (Prisma's scripts carry "-- DropTable" headers and warning blocks) is never
 * read as syntax. Groups: 1 dollar-quote tag, 2 quoted identifier, 3 word, 4 any other character.
 */
const SQL_TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$|"((?:[^"]|"")*)"|([A-Za-z_][\w$]*)|(.)/g;

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (const [, , quoted, word, symbol] of sql.matchAll(SQL_TOKEN)) {
    if (quoted !== undefined) tokens.push({ kind: "quoted", text: quoted.replaceAll('""', '"') });
    else if (word !== undefined) tokens.push({ kind: "word", text: word.toLowerCase() });
    else if (symbol !== undefined) tokens.push({ kind: "symbol", text: symbol });
  }
  return tokens;
}

/** Splits tokens at a symbol outside parentheses: a script into statements at `;`, ALTER TABLE's actions at `,`. */
function splitAt(tokens: Token[], separator: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === "symbol") {
      if (token.text === "(") depth++;
      if (token.text === ")") depth--;
      if (token.text === separator && depth === 0) {
        parts.push([]);
        continue;
      }
    }
    parts.at(-1)!.push(token);
  }
  return parts.filter((part) => part.length > 0);
}

function destructionsIn(statement: Token[]): Destruction[] {
  const reader = new TokenReader(statement);
  if (reader.keywords("drop", "table")) {
    reader.keywords("if", "exists");
    return reader.names().map((table) => ({ kind: "drop-table", table }));
  }
  if (reader.keywords("drop", "schema")) {
    reader.keywords("if", "exists");
    return reader.names().map((name) => ({ kind: "drop-schema", schema: name.join(".") }));
  }
  if (reader.keywords("truncate")) {
    reader.keywords("table");
    return reader.names().map((table) => ({ kind: "truncate", table }));
  }
  if (reader.keywords("alter", "table")) {
    reader.keywords("if", "exists");
    const [table] = reader.names();
    if (!table) return [];
    return splitAt(reader.rest(), ",").flatMap((action) => alterTableDestruction(new TokenReader(action), table));
  }
  return [];
}

/** One action of ALTER TABLE that destroys data: `DROP [COLUMN] [IF EXISTS] c` or `ALTER [COLUMN] c [SET DATA] TYPE t`. */
function alterTableDestruction(action: TokenReader, table: QualifiedName): Destruction[] {
  if (action.keywords("drop")) {
    if (action.keywords("constraint")) return [];
    action.keywords("column");
    action.keywords("if", "exists");
    const column = action.identifier();
    return column === undefined ? [] : [{ kind: "drop-column", table, column }];
  }
  if (action.keywords("alter")) {
    action.keywords("column");
    const column = action.identifier();
    const changesType = action.keywords("type") || action.keywords("set", "data", "type");
    return column !== undefined && changesType ? [{ kind: "change-type", table, column }] : [];
  }
  return [];
}

/** Reads one statement's tokens front to back; each method consumes what it matched and nothing else. */
class TokenReader {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  /** Consumes `words` if they come next, all of them, as unquoted keywords ("if" is not the column "if"). */
  keywords(...words: string[]): boolean {
    const next = words.every((word, i) => this.tokens[this.at + i]?.kind === "word" && this.tokens[this.at + i]!.text === word);
    if (next) this.at += words.length;
    return next;
  }

  symbol(text: string): boolean {
    const next = this.tokens[this.at]?.kind === "symbol" && this.tokens[this.at]!.text === text;
    if (next) this.at++;
    return next;
  }

  identifier(): string | undefined {
    const token = this.tokens[this.at];
    if (!token || token.kind === "symbol") return undefined;
    this.at++;
    return token.text;
  }

  /** `[ONLY] name [*] [, …]`, names possibly schema-qualified, as DROP TABLE, TRUNCATE and ALTER TABLE list them. */
  names(): QualifiedName[] {
    const names: QualifiedName[] = [];
    do {
      this.keywords("only");
      const name = this.qualifiedName();
      if (!name) break;
      names.push(name);
      this.symbol("*"); // "and descendant tables", which is the default anyway
    } while (this.symbol(","));
    return names;
  }

  rest(): Token[] {
    return this.tokens.slice(this.at);
  }

  private qualifiedName(): QualifiedName | undefined {
    const parts: string[] = [];
    do {
      const part = this.identifier();
      if (part === undefined) return undefined;
      parts.push(part);
    } while (this.symbol("."));
    return parts;
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof UserFacingError)) throw error;
  const { message, errorCode } = describe(error);
  console.error(`Error: ${errorCode ? `${errorCode}: ` : ""}${message}`);
  process.exitCode = 1;
});
