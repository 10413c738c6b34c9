import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BoundedJsonl } from "~/server/db/bounded-jsonl";
import { EventLog } from "~/server/db/event-log";
import type { OpsEvent } from "~/server/db/node-events";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tandem-events-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lost = (node: string) => ({
  kind: "node-lost" as const,
  node,
  details: { endpoint: "127.0.0.1:1", error: "connect ECONNREFUSED 127.0.0.1:1" },
});

describe("EventLog", () => {
  it("stamps each event with the time and an id that only grows, and lists the newest first", () => {
    let now = 1_000;
    const log = new EventLog({ now: () => now++ });
    log.record(lost("replica1"));
    log.record({ kind: "pause", node: "replica2", details: { replay: "paused" } });
    expect(log.list().map((e) => [e.id, e.at, e.kind, e.node])).toEqual([
      [2, 1_001, "pause", "replica2"],
      [1, 1_000, "node-lost", "replica1"],
    ]);
    expect(log.list({ sinceId: 1 }).map((e) => e.id)).toEqual([2]);
    expect(log.list({ limit: 1 }).map((e) => e.id)).toEqual([2]);
  });

  it("keeps at most `capacity` events in memory", () => {
    const log = new EventLog({ capacity: 3 });
    for (let i = 0; i < 10; i++) log.record(lost(`replica${i}`));
    expect(log.list().map((e) => e.node)).toEqual(["replica9", "replica8", "replica7"]);
  });

  it("survives a restart: a new log on the same file has the events, and ids go on from the last", () => {
    const file = () => new BoundedJsonl<OpsEvent>(path.join(dir, "events.jsonl"));
    const before = new EventLog({ file: file() });
    before.record(lost("primary"));
    before.record({ kind: "writer-moved", node: "replica1", details: { from: "primary", timeline: 2 } });
    const after = new EventLog({ file: file() });
    expect(after.list()).toEqual(before.list());
    expect(after.record({ kind: "node-back", node: "primary", details: {} }).id).toBe(3);
  });

  it("after a restart keeps only the newest `capacity` of what the file holds", () => {
    const file = () => new BoundedJsonl<OpsEvent>(path.join(dir, "events.jsonl"));
    const before = new EventLog({ file: file() });
    for (let i = 0; i < 8; i++) before.record(lost(`replica${i}`));
    expect(new EventLog({ file: file(), capacity: 2 }).list().map((e) => e.id)).toEqual([8, 7]);
  });
});
