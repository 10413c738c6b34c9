/**
 * A plain-text table for terminal output: left-aligned columns, a rule under the header. Given a
 * width, it fits: the widest columns give way first and their cells wrap at spaces (a word longer
 * than its column is cut), so a table whose details run long stays readable in a terminal.
 */

/** What the commands fit their tables to; `--wide` lifts it. */
export const TABLE_WIDTH = 100;
const GAP = "  ";

export interface TableOptions {
  /** The most columns a line may take; none: each column as wide as its longest cell. */
  maxWidth?: number;
}

export function formatTable(headers: string[], rows: string[][], { maxWidth }: TableOptions = {}): string {
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const widths = maxWidth === undefined ? natural : columnWidths(natural, maxWidth - GAP.length * (headers.length - 1));
  const lines = (cells: string[]) => {
    const wrapped = widths.map((w, i) => wrapText(cells[i] ?? "", w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, row) => wrapped.map((c, i) => (c[row] ?? "").padEnd(widths[i])).join(GAP).trimEnd());
  };
  return [...lines(headers), widths.map((w) => "-".repeat(w)).join(GAP), ...rows.flatMap(lines)].join("\n");
}

/**
 * Column widths that add up to at most `available`: a cap is lowered on the widest columns until the
 * total fits ("water-filling"), so narrow columns keep their width and the long ones share the rest.
 * Every column keeps at least one character, so a table too wide for anything still prints.
 */
export function columnWidths(natural: number[], available: number): number[] {
  const total = natural.reduce((sum, w) => sum + w, 0);
  if (total <= available) return natural;
  const sorted = [...natural].sort((a, b) => a - b);
  let budget = Math.max(available, natural.length);
  let cap = 1;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(budget / (sorted.length - i));
    if (sorted[i] > share) {
      cap = Math.max(share, 1);
      break;
    }
    budget -= sorted[i];
  }
  const widths = natural.map((w) => Math.min(w, cap));
  // Hand the rounding remainder to the capped columns, left first.
  let spare = Math.max(available, natural.length) - widths.reduce((sum, w) => sum + w, 0);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (widths[i] < natural[i]) {
      widths[i]++;
      spare--;
    }
  }
  return widths;
}

/** Lines of at most `width` characters, broken at spaces; a longer word is cut into pieces. */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}
