import { describe, expect, it } from "vitest";
import { splitAt, TokenReader, tokenize } from "~/schema-engine/revert/sql-tokens";

const texts = (sql: string) => tokenize(sql).map((t) => `${t.kind}:${t.text}`);

describe("tokenize", () => {
  it("folds unquoted words to lower case, keeps quoted names as written, unescapes doubled quotes", () => {
    expect(texts('DROP TABLE "Public"."we""ird";')).toEqual([
      "word:drop",
      "word:table",
      "quoted:Public",
      "symbol:.",
      'quoted:we"ird',
      "symbol:;",
    ]);
  });

  it("skips comments, string literals and dollar-quoted bodies, so their ; and keywords are not syntax", () => {
    const sql = `-- DropTable; DROP TABLE x
/* DROP TABLE y; */ ALTER TABLE t ALTER COLUMN c SET DEFAULT 'a;DROP TABLE z';
CREATE FUNCTION f() RETURNS void AS $body$ BEGIN DROP TABLE w; END $body$ LANGUAGE plpgsql`;
    const words = tokenize(sql)
      .filter((t) => t.kind !== "symbol")
      .map((t) => t.text);
    expect(words).toEqual([
      "alter",
      "table",
      "t",
      "alter",
      "column",
      "c",
      "set",
      "default",
      "create",
      "function",
      "f",
      "returns",
      "void",
      "as",
      "language",
      "plpgsql",
    ]);
    expect(tokenize(sql).filter((t) => t.text === ";")).toHaveLength(1);
  });
});

describe("splitAt", () => {
  it("splits at the separator outside parentheses only, dropping empty parts", () => {
    const parts = splitAt(tokenize("ALTER TABLE t ADD c numeric(10, 2), DROP d;;"), ",").map((p) =>
      p.map((t) => t.text).join(" "),
    );
    // Digits are single symbols: only names and keywords matter here.
    expect(parts).toEqual(["alter table t add c numeric ( 1 0 , 2 )", "drop d ; ;"]);
    expect(splitAt(tokenize("a; ; b;"), ";")).toHaveLength(2);
  });
});

describe("TokenReader", () => {
  it("consumes keywords only when all of them come next, unquoted", () => {
    const reader = new TokenReader(tokenize('IF "exists" x'));
    expect(reader.keywords("if", "exists")).toBe(false);
    expect(reader.keywords("if")).toBe(true);
    expect(reader.identifier()).toBe("exists"); // a quoted name, not the keyword
    expect(reader.rest().map((t) => t.text)).toEqual(["x"]);
  });

  it("reads [ONLY] name [*] lists with schema-qualified names", () => {
    const reader = new TokenReader(tokenize('ONLY a.b *, "C", d CASCADE'));
    expect(reader.names()).toEqual([["a", "b"], ["C"], ["d"]]);
    expect(reader.keywords("cascade")).toBe(true);
  });

  it("stops at a symbol where a name should be", () => {
    expect(new TokenReader(tokenize("( x")).names()).toEqual([]);
    expect(new TokenReader(tokenize("a.(")).names()).toEqual([]);
  });
});
