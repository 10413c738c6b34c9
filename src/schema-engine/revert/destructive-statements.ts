/** Which statements of a down SQL script destroy data, and in which tables, schemas and columns. */
import { type QualifiedName, splitAt, type Token, TokenReader, tokenize } from "./sql-tokens";

/** A statement that destroys data, and what in. */
export type Destruction =
  | { kind: "drop-table" | "truncate"; table: QualifiedName }
  | { kind: "drop-column" | "change-type"; table: QualifiedName; column: string }
  | { kind: "drop-schema"; schema: string };

export function destructiveStatements(sql: string): Destruction[] {
  return splitAt(tokenize(sql), ";").flatMap(destructionsIn);
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
