import { describe, expect, it } from "vitest";
import { conditionOf } from "~/components/admin/node-condition";
import { excluded } from "~/server/db/monitor/routing-state";
import { nodeView } from "./fixtures";

/** A healthy streaming replica (lag 4 ms), as replication.status reports it; each case changes what it is about. */
const node = nodeView;

const lagging = excluded("lagging", "replay paused, lagging 2.3 s (limit 2.0 s)");

describe("conditionOf: a node card's badge, from the merged status view", () => {
  it.each([
    ["healthy replica", "Healthy", "ok", node()],
    [
      "fenced former primary (down, but fenced says more)",
      "Fenced",
      "info",
      node({ fenced: true, reachable: false, role: "unknown", routing: excluded("unreachable", "unreachable") }),
    ],
    [
      "unreachable replica",
      "Down",
      "danger",
      node({ reachable: false, routing: excluded("unreachable", "unreachable") }),
    ],
    [
      "the writer",
      "Writer",
      "ok",
      node({
        name: "primary",
        configuredRole: "primary",
        role: "primary",
        routing: excluded("primary", "is the writer"),
      }),
    ],
    [
      "a promoted replica",
      "Promoted · writer",
      "info",
      node({ role: "primary", routing: excluded("primary", "is the writer") }),
    ],
    [
      "a writable node that is not the writer",
      "Writable · not the writer",
      "warn",
      node({ role: "stale-primary", routing: excluded("stale-primary", "not in recovery (promoted?)") }),
    ],
    ["paused, still routable", "Replay paused", "warn", node({ replayPaused: true })],
    ["paused and lagging", "Replay paused · lagging", "danger", node({ replayPaused: true, routing: lagging })],
    [
      "paused and out for another reason",
      "Replay paused · excluded",
      "danger",
      node({ replayPaused: true, routing: excluded("suspect", "hedged read") }),
    ],
    ["lagging", "Lagging", "warn", node({ routing: excluded("lagging", "lagging 16.0 MiB (limit 16.0 MiB)") })],
    [
      "out for another reason",
      "Excluded",
      "warn",
      node({ routing: excluded("diverged", "replayed past the fork point") }),
    ],
  ] as const)("%s → %s (%s)", (_case, label, tone, view) => {
    expect(conditionOf(view)).toMatchObject({ label, tone });
  });

  it("says why a node is out of the read set, from the exclusion's detail", () => {
    expect(conditionOf(node({ routing: excluded("diverged", "replayed past the fork point") })).explanation).toBe(
      "Out of the read set: replayed past the fork point.",
    );
    expect(
      conditionOf(node({ role: "stale-primary", routing: excluded("stale-primary", "on timeline 1, the writer on 2") }))
        .explanation,
    ).toBe("on timeline 1, the writer on 2");
  });
});
