import { describe, expect, it } from "vitest";
import { healthWords } from "~/components/admin/node-health";
import { excluded } from "~/server/db/monitor/routing-state";
import { nodeView } from "./fixtures";

describe("healthWords: a node's health in one phrase", () => {
  it("names the writer by its role, not as 'not routable'", () => {
    const words = healthWords(nodeView({ role: "primary", routing: excluded("primary", "is the writer") }));
    expect(words).toMatch(/^writer: takes the writes/);
    expect(words).not.toMatch(/not routable/);
  });

  it.each([
    ["routable", nodeView()],
    ["unreachable", nodeView({ reachable: false })],
    ["fenced: stopped for good by a promote", nodeView({ reachable: false, fenced: true })],
    [
      "not routable: replay paused, lagging 2.3 s (limit 2.0 s)",
      nodeView({ routing: excluded("lagging", "replay paused, lagging 2.3 s (limit 2.0 s)") }),
    ],
  ])("%s", (words, node) => {
    expect(healthWords(node)).toBe(words);
  });
});
