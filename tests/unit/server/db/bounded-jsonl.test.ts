import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BoundedJsonl } from "~/server/db/bounded-jsonl";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tandem-jsonl-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("BoundedJsonl", () => {
  it("reads back what was appended, in order, from a new instance (a restart)", () => {
    const file = path.join(dir, "admin", "events.jsonl"); // the folder does not exist yet
    const log = new BoundedJsonl<{ n: number }>(file);
    for (let n = 0; n < 5; n++) log.append({ n });
    expect(new BoundedJsonl<{ n: number }>(file).readAll().map((v) => v.n)).toEqual([0, 1, 2, 3, 4]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("stays within about twice maxBytes on disk however much is written, keeping the newest lines", () => {
    const file = path.join(dir, "lag.jsonl");
    const maxBytes = 1000;
    const log = new BoundedJsonl<{ n: number; pad: string }>(file, { maxBytes });
    for (let n = 0; n < 1000; n++) log.append({ n, pad: "x".repeat(40) });
    const onDisk = statSync(file).size + statSync(`${file}.1`).size;
    expect(onDisk).toBeLessThanOrEqual(2 * maxBytes);
    const kept = new BoundedJsonl<{ n: number }>(file, { maxBytes }).readAll().map((v) => v.n);
    expect(kept.at(-1)).toBe(999);
    expect(kept).toEqual([...kept].sort((a, b) => a - b)); // oldest first across the two files
    expect(kept.length).toBeGreaterThanOrEqual(Math.floor(maxBytes / 60)); // at least one full file's worth
  });

  it("skips a line cut short by a crash and keeps the ones around it", () => {
    const file = path.join(dir, "events.jsonl");
    writeFileSync(file, '{"n":1}\n{"n":2\n{"n":3}\n');
    expect(new BoundedJsonl<{ n: number }>(file).readAll()).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it("tells a failing write once and stops writing, without throwing (here: its folder is a plain file)", () => {
    const notADir = path.join(dir, "plain-file");
    writeFileSync(notADir, "");
    const errors: unknown[] = [];
    const log = new BoundedJsonl<{ n: number }>(path.join(notADir, "events.jsonl"), { onError: (e) => errors.push(e) });
    expect(() => log.append({ n: 1 })).not.toThrow();
    log.append({ n: 2 });
    expect(errors).toHaveLength(1);
    expect(readFileSync(notADir, "utf8")).toBe("");
  });
});
