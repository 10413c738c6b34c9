/**
 * What the terminal shows while a command waits: nothing for a wait under a second, then a line
 * naming what is awaited and for how long. On a TTY that line updates in place (and log lines are
 * written above it); piped or in CI, where a rewritten line is noise, plain lines are printed: one
 * when the wait passes a second, one every few seconds after, and one when it ends.
 */

/** Runs `work` while reporting it as `what` ("waiting for replica1 to stream"). */
export type Progress = <T>(what: string, work: Promise<T>) => Promise<T>;

/** For library callers (the app, tests): waits are not reported. */
export const silentProgress: Progress = (_what, work) => work;

export interface ProgressTerminal {
  /** Waits reported while it runs, on this stream. */
  progress: Progress;
  /** Writes a log line without tearing the live progress line. */
  log(line: string): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A TTY's width: the live line is cut to it, since a line that wraps cannot be redrawn in place. */
  columns?: number;
}

export const PROGRESS_TIMING = {
  /** A wait shorter than this shows nothing. */
  quietMs: 1_000,
  /** How often the live line is redrawn on a TTY. */
  redrawMs: 250,
  /** How often a plain "still waiting" line is printed elsewhere. */
  plainEveryMs: 5_000,
};

/** The progress text after `elapsedMs`: what is awaited, and for how long so far. */
export function progressText(what: string, elapsedMs: number): string {
  return `… ${what} (${formatElapsed(elapsedMs)})`;
}

/** The line printed when a wait that was shown ends. */
export function doneText(what: string, elapsedMs: number, failed: boolean): string {
  return `${failed ? "✗" : "✓"} ${what}: ${failed ? "gave up" : "done"} after ${formatElapsed(elapsedMs)}`;
}

/** Tenths of a second under a minute ("3.2 s"), then minutes and seconds ("1 min 05 s"). */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, "0")} s`;
}

/**
 * Which plain lines are due when a non-TTY wait has lasted `elapsedMs`, given how many were printed:
 * the first once quietMs has passed, the next plainEveryMs after it, and so on.
 */
export function plainLinesDue(elapsedMs: number, printed: number, timing = PROGRESS_TIMING): number {
  if (elapsedMs < timing.quietMs) return 0;
  return 1 + Math.floor((elapsedMs - timing.quietMs) / timing.plainEveryMs) - printed;
}

/** The line cut to `columns - 1` characters (an ellipsis where it was cut), so the cursor stays on it. */
export function fitLine(line: string, columns: number | undefined): string {
  if (!columns || line.length < columns) return line;
  return `${line.slice(0, Math.max(columns - 2, 0))}…`;
}

export function progressTerminal(
  stream: ProgressStream,
  timing = PROGRESS_TIMING,
  now: () => number = Date.now,
): ProgressTerminal {
  const tty = stream.isTTY === true;
  // One wait is shown at a time; one that starts inside it (a poll within a step) is not shown again.
  let active: { what: string; startedAt: number; shown: boolean; plainPrinted: number } | undefined;
  const CLEAR_LINE = "\r\x1b[2K";

  const draw = () => {
    if (!active) return;
    const elapsed = now() - active.startedAt;
    if (elapsed < timing.quietMs) return;
    active.shown = true;
    if (tty) stream.write(`${CLEAR_LINE}${fitLine(progressText(active.what, elapsed), stream.columns)}`);
    else {
      for (let due = plainLinesDue(elapsed, active.plainPrinted, timing); due > 0; due--, active.plainPrinted++) {
        stream.write(`${progressText(active.what, elapsed)}\n`);
      }
    }
  };

  const progress: Progress = async (what, work) => {
    if (active) return work;
    const current = { what, startedAt: now(), shown: false, plainPrinted: 0 };
    active = current;
    const timer = setInterval(draw, tty ? timing.redrawMs : Math.min(timing.redrawMs * 4, timing.quietMs));
    let failed = false;
    try {
      return await work;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      clearInterval(timer);
      active = undefined;
      if (current.shown) stream.write(`${tty ? CLEAR_LINE : ""}${doneText(what, now() - current.startedAt, failed)}\n`);
    }
  };

  const log = (line: string) => {
    if (tty && active?.shown) stream.write(CLEAR_LINE);
    stream.write(`${line}\n`);
    if (tty) draw();
  };

  return { progress, log };
}
