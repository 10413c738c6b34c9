/**
 * An append-only file of JSON lines with a size bound, for what the admin page must still show after a
 * restart (the event log, the lag history). When the file passes `maxBytes` it becomes `<file>.1`
 * (replacing the older one) and a new file starts: at most about 2 × maxBytes on disk, and the newest
 * lines are always kept. Nothing is rewritten in place, so a crash mid-write loses at most the line
 * being written; a line that does not parse (that one) is skipped on reading.
 *
 * Why a local file and not a table in the app's database: events matter most when the primary is down
 * or moving (node lost, writer moved, promote), and a table takes writes only through the primary, so
 * the log would have a hole exactly where it is needed. A file under the data root works whatever the
 * cluster does; each app process keeps its own (it records what that process saw).
 *
 * Writes are appended synchronously: a line or two a second, a few hundred bytes, and the order of
 * lines is the order of calls. A failing disk never breaks the caller: the error is reported once and
 * the caller keeps its records in memory.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import path from "node:path";

export interface BoundedJsonlOptions {
  /** Past this size the file is rotated; the default suits a few thousand lines. */
  maxBytes?: number;
  /** Told once when a write fails (then writing stops until the process restarts). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_JSONL_MAX_BYTES = 1024 * 1024;

export class BoundedJsonl<T> {
  readonly maxBytes: number;
  private size: number;
  private failed = false;
  private readonly onError: (error: unknown) => void;

  constructor(
    readonly file: string,
    { maxBytes = DEFAULT_JSONL_MAX_BYTES, onError = () => {} }: BoundedJsonlOptions = {},
  ) {
    this.maxBytes = maxBytes;
    this.onError = onError;
    this.size = existsSync(file) ? statSync(file).size : 0;
  }

  /** Every line still kept, oldest first: the rotated file's, then the current one's. */
  readAll(): T[] {
    return [this.rotatedFile(), this.file].flatMap((file) => linesOf<T>(file));
  }

  append(value: T): void {
    if (this.failed) return;
    const line = `${JSON.stringify(value)}\n`;
    try {
      if (this.size > 0 && this.size + Buffer.byteLength(line) > this.maxBytes) {
        renameSync(this.file, this.rotatedFile());
        this.size = 0;
      }
      if (this.size === 0) mkdirSync(path.dirname(this.file), { recursive: true });
      appendFileSync(this.file, line, { mode: 0o600 });
      this.size += Buffer.byteLength(line);
    } catch (error) {
      this.failed = true;
      this.onError(error);
    }
  }

  private rotatedFile(): string {
    return `${this.file}.1`;
  }
}

function linesOf<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const values: T[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // a line cut short by a crash: the ones around it are whole
    }
  }
  return values;
}
