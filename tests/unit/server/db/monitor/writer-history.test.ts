import { describe, expect, it } from "vitest";
import { WriterHistories } from "~/server/db/monitor/writer-history";

describe("WriterHistories.known", () => {
  it("timeline 1 has an empty history without asking; a later one is unknown until fetched", () => {
    const histories = new WriterHistories();
    expect(histories.known("primary", 1)).toEqual({ timeline: 1, forks: [] });
    expect(histories.known("primary", 2)).toBeUndefined();
  });
});
