import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  doneText,
  fitLine,
  formatElapsed,
  PROGRESS_TIMING,
  plainLinesDue,
  progressTerminal,
  progressText,
} from "~/cluster/progress";

describe("progress texts", () => {
  it("say what is awaited and for how long", () => {
    expect(progressText("waiting for replica1 to stream", 1_234)).toBe("… waiting for replica1 to stream (1.2 s)");
    expect(doneText("waiting for replica1 to stream", 16_500, false)).toBe(
      "✓ waiting for replica1 to stream: done after 16.5 s",
    );
    expect(doneText("waiting for replica1 to stream", 60_000, true)).toBe(
      "✗ waiting for replica1 to stream: gave up after 1 min 00 s",
    );
  });

  it("writes minutes past a minute", () => {
    expect(formatElapsed(59_900)).toBe("59.9 s");
    expect(formatElapsed(65_000)).toBe("1 min 05 s");
  });
});

describe("plainLinesDue", () => {
  it("is quiet for the first second, then one line, then one every few seconds", () => {
    expect(plainLinesDue(999, 0)).toBe(0);
    expect(plainLinesDue(1_000, 0)).toBe(1);
    expect(plainLinesDue(5_999, 1)).toBe(0);
    expect(plainLinesDue(6_000, 1)).toBe(1);
    // A late tick catches up with every line it missed.
    expect(plainLinesDue(11_000, 1)).toBe(2);
  });
});

describe("progressTerminal", () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());

  /** Time passes in small steps, so each timer sees the clock of its own moment. */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 50) {
      clock += Math.min(50, left);
      await vi.advanceTimersByTimeAsync(Math.min(50, left));
    }
  };
  const streamOf = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
  };
  /** A wait that ends when `end` is called. */
  const pending = () => {
    let end!: (value: string) => void;
    const work = new Promise<string>((resolve) => (end = resolve));
    return { work, end };
  };

  it("prints nothing for a wait under a second", async () => {
    const { writes, stream } = streamOf(false);
    const { progress } = progressTerminal(stream, PROGRESS_TIMING, () => clock);
    const { work, end } = pending();
    const result = progress("waiting for replica1", work);
    await advance(900);
    end("done");
    expect(await result).toBe("done");
    expect(writes).toEqual([]);
  });

  it("prints plain lines when not a TTY: after a second, every five, and at the end", async () => {
    const { writes, stream } = streamOf(false);
    const { progress } = progressTerminal(stream, PROGRESS_TIMING, () => clock);
    const { work, end } = pending();
    const result = progress("waiting for replica1", work);
    await advance(12_000);
    end("done");
    await result;
    expect(writes.every((w) => w.endsWith("\n") && !w.includes("\r"))).toBe(true);
    expect(writes.map((w) => w.trim())).toEqual([
      expect.stringMatching(/^… waiting for replica1 \(1\.\d s\)$/),
      expect.stringMatching(/^… waiting for replica1 \(6\.\d s\)$/),
      expect.stringMatching(/^… waiting for replica1 \(11\.\d s\)$/),
      "✓ waiting for replica1: done after 12.0 s",
    ]);
  });

  it("redraws one line in place on a TTY, and keeps log lines above it", async () => {
    const { writes, stream } = streamOf(true);
    const { progress, log } = progressTerminal(stream, PROGRESS_TIMING, () => clock);
    const { work, end } = pending();
    const result = progress("waiting for replica1", work);
    await advance(2_000);
    log("[cluster] replica2: started");
    await advance(500);
    end("done");
    await result;
    const redraws = writes.filter((w) => w.startsWith("\r\x1b[2K… "));
    expect(redraws.length).toBeGreaterThanOrEqual(4);
    expect(redraws.every((w) => !w.endsWith("\n"))).toBe(true);
    // The log line clears the live line first and is followed by a redraw.
    const logAt = writes.indexOf("[cluster] replica2: started\n");
    expect(writes[logAt - 1]).toBe("\r\x1b[2K");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequence a terminal receives is what is tested
    expect(writes[logAt + 1]).toMatch(/^\r\x1b\[2K… waiting for replica1 \(2\.0 s\)$/);
    expect(writes.at(-1)).toBe("\r\x1b[2K✓ waiting for replica1: done after 2.5 s\n");
  });

  it("says a wait that failed gave up, and passes the error on", async () => {
    const { writes, stream } = streamOf(false);
    const { progress } = progressTerminal(stream, PROGRESS_TIMING, () => clock);
    const work = new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), 3_000));
    const result = progress("waiting for replica1", work);
    const caught = result.catch((error: Error) => error.message);
    await advance(3_000);
    expect(await caught).toBe("timed out");
    expect(writes.at(-1)).toBe("✗ waiting for replica1: gave up after 3.0 s\n");
  });

  it("shows only the outer of two nested waits", async () => {
    const { writes, stream } = streamOf(false);
    const { progress } = progressTerminal(stream, PROGRESS_TIMING, () => clock);
    const inner = pending();
    // The inner wait starts once the outer one is under way, as a poll inside a step does.
    const step = async () => {
      await Promise.resolve();
      return progress("waiting for replica1", inner.work);
    };
    const outer = progress("waiting for the cluster", step());
    await advance(1_500);
    inner.end("done");
    await outer;
    expect(writes.join("")).not.toContain("replica1");
    expect(writes).toHaveLength(2);
  });
});

describe("fitLine", () => {
  it("cuts a live line to the terminal, so it never wraps", () => {
    expect(fitLine("… waiting for replica1 (3.0 s)", 20)).toBe("… waiting for repl…");
    expect(fitLine("… waiting for replica1 (3.0 s)", 20)).toHaveLength(19);
    expect(fitLine("short", 20)).toBe("short");
    expect(fitLine("no terminal width known", undefined)).toBe("no terminal width known");
  });
});
