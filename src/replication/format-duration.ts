/** Durations as people read them, one wording for the CLI, the admin page and the write-progress view. */

/** A duration PostgreSQL reports in seconds (replication lag, probe round trips) as milliseconds: "12.3 ms", "-" if unknown. */
export function secondsAsMs(seconds: number | null | undefined): string {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(1)} ms`;
}

/** A measured wait in milliseconds: "840 ms" below a second, "1.2 s" above. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
