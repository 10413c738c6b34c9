import { describe, expect, it } from "vitest";
import { diffTopology, isEmptyChange } from "~/server/db/topology/diff";

const known = (name: string, url = `postgresql://h/${name}`, configuredRole: "primary" | "replica" = "replica") => ({
  name,
  url,
  configuredRole,
});

describe("diffTopology", () => {
  it("sees nothing when the answer is the same, in any order", () => {
    const change = diffTopology(
      [known("a", "u-a", "primary"), known("b", "u-b")],
      [
        { name: "b", url: "u-b" },
        { name: "a", url: "u-a", role: "primary" },
      ],
    );
    expect(isEmptyChange(change)).toBe(true);
  });

  it("finds nodes that joined and left", () => {
    expect(
      diffTopology(
        [known("a"), known("b")],
        [
          { name: "a", url: "postgresql://h/a" },
          { name: "c", url: "u-c" },
        ],
      ),
    ).toEqual({
      joined: [{ name: "c", url: "u-c" }],
      left: ["b"],
      reassigned: [],
    });
  });

  it("treats a node whose URL changed as one leaving and a new one joining", () => {
    expect(diffTopology([known("a", "old")], [{ name: "a", url: "new" }])).toEqual({
      joined: [{ name: "a", url: "new" }],
      left: ["a"],
      reassigned: [],
    });
  });

  it("reports a switchover as a reassignment, not a new node", () => {
    const change = diffTopology(
      [known("a", "u-a", "primary"), known("b", "u-b")],
      [
        { name: "a", url: "u-a", role: "replica" },
        { name: "b", url: "u-b", role: "primary" },
      ],
    );
    expect(change.joined).toEqual([]);
    expect(change.left).toEqual([]);
    expect(change.reassigned.map((n) => [n.name, n.role])).toEqual([
      ["a", "replica"],
      ["b", "primary"],
    ]);
  });

  it("keeps the first of a name listed twice, and an empty answer drops every node", () => {
    expect(
      diffTopology(
        [],
        [
          { name: "a", url: "1" },
          { name: "a", url: "2" },
        ],
      ).joined,
    ).toEqual([{ name: "a", url: "1" }]);
    expect(diffTopology([known("a"), known("b")], []).left).toEqual(["a", "b"]);
  });
});
