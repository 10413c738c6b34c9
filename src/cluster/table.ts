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
  // A column may narrow to its longest word, but need not stay wider than a third of the width: a long URL still wraps.
  const words = headers.map((h, i) => Math.max(longestWord(h), ...rows.map((r) => longestWord(r[i] ?? ""))));
  const widths =
    maxWidth === undefined
      ? natural
      : columnWidths(
          natural,
          maxWidth - GAP.length * (headers.length - 1),
          words.map((w) => Math.min(w, Math.floor(maxWidth / 3))),
        );
  const lines = (cells: string[]) => {
    const wrapped = widths.map((w, i) => wrapText(cells[i] ?? "", w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, row) =>
      wrapped
        .map((c, i) => (c[row] ?? "").padEnd(widths[i]))
        .join(GAP)
        .trimEnd(),
    );
  };
  return [...lines(headers), widths.map((w) => "-".repeat(w)).join(GAP), ...rows.flatMap(lines)].join("\n");
}

/**
 * Column widths that add up to at most `available`: a cap is lowered on the widest columns until the
 * total fits ("water-filling"), so narrow columns keep their width and the long ones share the rest.
 * No column goes below its `minimum` (its longest word, so a serial number or a port stays whole)
 * unless the minimums alone do not fit; every column keeps at least one character.
 */
export function columnWidths(natural: number[], available: number, minimum: number[] = []): number[] {
  const total = natural.reduce((sum, w) => sum + w, 0);
  if (total <= available) return natural;
  const floors = natural.map((w, i) => Math.min(w, Math.max(minimum[i] ?? 1, 1)));
  if (floors.reduce((sum, w) => sum + w, 0) > available)
    return minimum.length > 0 ? columnWidths(natural, available) : floors;
  const widthsAt = (cap: number) => natural.map((w, i) => Math.max(floors[i], Math.min(w, cap)));
  const sum = (widths: number[]) => widths.reduce((a, b) => a + b, 0);
  // The largest cap whose widths fit: the sum grows with the cap, so a binary search finds it.
  let low = 1;
  let high = Math.max(...natural);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sum(widthsAt(mid)) <= available) low = mid;
    else high = mid - 1;
  }
  const widths = widthsAt(low);
  // Hand what is left (less than one more step of the cap) to the capped columns, left first.
  let spare = available - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (widths[i] === low && widths[i] < natural[i]) {
      widths[i]++;
      spare--;
    }
  }
  return widths;
}

/** The longest run without a space: the narrowest a cell can wrap to without cutting a word. */
export function longestWord(text: string): number {
  return Math.max(0, ...text.split(/ +/).map((word) => word.length));
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
