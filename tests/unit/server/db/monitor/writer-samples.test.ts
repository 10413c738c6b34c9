import { describe, expect, it } from "vitest";
import { addWriterSample } from "~/server/db/monitor/writer-samples";

describe("addWriterSample", () => {
  it("adds a sample only when the writer's position moved", () => {
    const one = addWriterSample([], 10n, 1_000);
    expect(one).toEqual([{ lsn: 10n, at: 1_000 }]);
    expect(addWriterSample(one, 10n, 2_000)).toEqual(one); // the first time it was seen there is what lag measures from
    expect(addWriterSample(one, 20n, 2_000)).toEqual([
      { lsn: 10n, at: 1_000 },
      { lsn: 20n, at: 2_000 },
    ]);
  });

  it("drops samples older than the window, but never the newest", () => {
    const samples = [
      { lsn: 1n, at: 0 },
      { lsn: 2n, at: 500 },
    ];
    expect(addWriterSample(samples, 3n, 1_200, 1_000)).toEqual([
      { lsn: 2n, at: 500 },
      { lsn: 3n, at: 1_200 },
    ]);
    expect(addWriterSample([{ lsn: 1n, at: 0 }], 1n, 10_000, 1_000)).toEqual([{ lsn: 1n, at: 0 }]);
  });
});
