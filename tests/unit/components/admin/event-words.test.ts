import { describe, expect, it } from "vitest";
import { eventWords, type OpsEventView } from "~/components/admin/event-words";
import { OPS_EVENT_KINDS } from "~/server/db/node-events";

const event = (
  kind: OpsEventView["kind"],
  node: string | null,
  details: OpsEventView["details"] = {},
): OpsEventView => ({ id: 1, at: 0, kind, node, details });

describe("eventWords: the event log's entries in words, from data", () => {
  it.each([
    [
      event("node-lost", "replica2", { endpoint: "127.0.0.1:54322", error: "connect ECONNREFUSED 127.0.0.1:54322" }),
      "Node lost",
      "replica2 (127.0.0.1:54322) stopped answering.",
    ],
    [
      event("node-back", "replica2", { endpoint: "127.0.0.1:54322" }),
      "Node back",
      "replica2 (127.0.0.1:54322) answers again.",
    ],
    [
      event("writer-moved", "replica1", { from: "primary", timeline: 2 }),
      "Writer",
      "Writes moved from primary to replica1 on timeline 2.",
    ],
    [event("writer-moved", "primary", { from: null, timeline: 1 }), "Writer", "Writes go to primary on timeline 1."],
    [
      event("no-writer", null, { from: "primary", reason: "no writable node is reachable" }),
      "No writer",
      "No node accepts writes: no writable node is reachable.",
    ],
    [
      event("promote", "replica1", { from: "primary" }),
      "Promote",
      "replica1 was promoted from this page; primary was fenced.",
    ],
    [event("pause", "replica1", { replay: "paused" }), "Pause", "Replay on replica1 was paused from this page."],
    [event("resume", "replica1", { replay: "not paused" }), "Resume", "Replay on replica1 was resumed from this page."],
  ])("%#: %s", (e, label, sentence) => {
    expect(eventWords(e)).toMatchObject({ label, sentence });
  });

  it("never shows the driver's text, and has words for every kind the server records", () => {
    expect(
      eventWords(event("node-lost", "replica2", { error: "connect ECONNREFUSED 127.0.0.1:54322" })).sentence,
    ).not.toContain("ECONNREFUSED");
    for (const kind of OPS_EVENT_KINDS) expect(eventWords(event(kind, "replica1")).sentence).toMatch(/\.$/);
  });
});
