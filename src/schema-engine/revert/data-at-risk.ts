/** Measuring, on the target database, how much data the down SQL's destructive statements would destroy. */
import type pg from "pg";
import type { Destruction } from "./destructive-statements";
import type { Loss } from "./losses";

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
export async function dataAtRisk(
  client: pg.Client,
  destructions: Destruction[],
  { lock = false } = {},
): Promise<Loss[]> {
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
    const { rows } = await client.query<Table>(
      `SELECT ${TABLE_ROWS} WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY c.relname`,
      [destruction.schema],
    );
    return rows.map((table) => ({
      table,
      action: `drops schema "${destruction.schema}", and with it table ${table.label}`,
    }));
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

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
