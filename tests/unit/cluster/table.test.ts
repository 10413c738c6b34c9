import { describe, expect, it } from "vitest";
import { columnWidths, formatTable, longestWord, wrapText } from "~/cluster/table";

const longest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

describe("columnWidths", () => {
  it("keeps every column's natural width when they fit", () => {
    expect(columnWidths([3, 10, 8], 21)).toEqual([3, 10, 8]);
  });

  it("narrows the widest columns first and leaves the narrow ones whole", () => {
    // 1 + 8 + 6 fixed; the two long ones share the remaining 62.
    expect(columnWidths([1, 50, 8, 6, 150], 77)).toEqual([1, 31, 8, 6, 31]);
  });

  it("uses the whole width, handing the rounding remainder to a narrowed column", () => {
    const widths = columnWidths([40, 40, 40], 100);
    expect(widths.reduce((a, b) => a + b, 0)).toBe(100);
    expect(widths).toEqual([34, 33, 33]);
  });

  it("keeps a column at its minimum (its longest word) and narrows the others instead", () => {
    // A 32-character serial number next to a list of names that can wrap at spaces.
    expect(columnWidths([8, 32, 27], 60, [8, 32, 14])).toEqual([8, 32, 20]);
  });

  it("ignores the minimums when they alone do not fit", () => {
    expect(columnWidths([30, 30], 40, [30, 30])).toEqual([20, 20]);
  });

  it("gives every column at least one character, however little room there is", () => {
    expect(columnWidths([5, 5, 5], 2)).toEqual([1, 1, 1]);
  });
});

describe("wrapText", () => {
  it("breaks at spaces", () => {
    expect(wrapText("not replayed within 5000 ms (replay paused): timed out", 20)).toEqual([
      "not replayed within",
      "5000 ms (replay",
      "paused): timed out",
    ]);
  });

  it("cuts a word longer than the column", () => {
    expect(wrapText("http://127.0.0.1:3000/api", 10)).toEqual(["http://127", ".0.0.1:300", "0/api"]);
  });

  it("leaves text that fits alone", () => {
    expect(wrapText("PASS", 6)).toEqual(["PASS"]);
  });
});

describe("longestWord", () => {
  it("is the longest run without a space", () => {
    expect(longestWord("IP:127.0.0.1, DNS:localhost")).toBe(13);
    expect(longestWord("")).toBe(0);
  });
});

describe("formatTable", () => {
  const headers = ["#", "check", "node", "result", "detail"];
  const rows = [
    [
      "3",
      "pg_stat_wal_receiver: streaming, recent messages",
      "replica1",
      "PASS",
      "status streaming, last message 0.1 s ago",
    ],
    [
      "6",
      "application-level: write via API, read on replicas",
      "-",
      "SKIP",
      `not run: ${"give the running app's URL ".repeat(6)}`,
    ],
  ];

  it("prints every column at full width without a limit", () => {
    const table = formatTable(headers, rows);
    expect(table.split("\n")).toHaveLength(4);
    expect(longest(table)).toBeGreaterThan(200);
  });

  it("fits the limit by wrapping, continuing each cell in its own column", () => {
    const table = formatTable(headers, rows, { maxWidth: 100 });
    expect(longest(table)).toBeLessThanOrEqual(100);
    const lines = table.split("\n");
    expect(lines.length).toBeGreaterThan(4);
    // The node and result columns stay where the header put them on every first line of a row.
    const nodeAt = lines[0].indexOf("node");
    expect(lines[2].slice(nodeAt).startsWith("replica1  PASS")).toBe(true);
    // A continuation line leaves the narrow columns blank.
    expect(lines[3].slice(0, nodeAt).trim()).not.toBe("");
    expect(lines[3].slice(nodeAt, nodeAt + 8).trim()).toBe("");
    // Nothing is lost: every word of every cell is still there.
    for (const word of rows.flat().join(" ").split(/ +/)) expect(table).toContain(word);
  });

  it("leaves a table that fits as it is", () => {
    const small = [["primary", "yes"]];
    expect(formatTable(["node", "up"], small, { maxWidth: 100 })).toBe(formatTable(["node", "up"], small));
  });
});
