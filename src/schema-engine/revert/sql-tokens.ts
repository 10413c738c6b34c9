/**
 * A small SQL tokenizer, enough to find the destructive statements in a `prisma migrate diff` script
 * (destructive-statements.ts) without being fooled by comments, string literals or quoted names.
 */

/** A bare or schema-qualified name, each part as PostgreSQL reads it (unquoted parts folded to lower case). */
export type QualifiedName = string[];

/** `word`: an unquoted identifier or keyword, lower-cased; `quoted`: a "quoted identifier"; `symbol`: anything else. */
export interface Token {
  kind: "word" | "quoted" | "symbol";
  text: string;
}

/**
 * Whitespace, comments, string literals and dollar-quoted bodies are skipped, so that a `;` or a keyword in
 * a default value or a comment (Prisma's scripts carry "-- DropTable" headers and warning blocks) is never
 * read as syntax. Groups: 1 dollar-quote tag, 2 quoted identifier, 3 word, 4 any other character.
 */
const SQL_TOKEN =
  /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$|"((?:[^"]|"")*)"|([A-Za-z_][\w$]*)|(.)/g;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (const [, , quoted, word, symbol] of sql.matchAll(SQL_TOKEN)) {
    if (quoted !== undefined) tokens.push({ kind: "quoted", text: quoted.replaceAll('""', '"') });
    else if (word !== undefined) tokens.push({ kind: "word", text: word.toLowerCase() });
    else if (symbol !== undefined) tokens.push({ kind: "symbol", text: symbol });
  }
  return tokens;
}

/** Splits tokens at a symbol outside parentheses: a script into statements at `;`, ALTER TABLE's actions at `,`. */
export function splitAt(tokens: Token[], separator: string): Token[][] {
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

/** Reads one statement's tokens front to back; each method consumes what it matched and nothing else. */
export class TokenReader {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  /** Consumes `words` if they come next, all of them, as unquoted keywords ("if" is not the column "if"). */
  keywords(...words: string[]): boolean {
    const next = words.every(
      (word, i) => this.tokens[this.at + i]?.kind === "word" && this.tokens[this.at + i]!.text === word,
    );
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
