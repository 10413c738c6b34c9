/**
 * The one way durations and sizes are written for people, on every page and in the server's sentences
 * (a routing detail says "lagging 25.4 s (limit 2.0 s)", and the card beside it the same): below a
 * second in whole milliseconds, then seconds with one decimal, then minutes and hours.
 */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`; // 59.99 s stays "59.9 s", never "60.0 s"
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** "12 /s", "0.5 /s": a rate of events per second, whole from ten up. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return "—";
  if (perSecond === 0) return "0 /s";
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} /s`;
}

/**
 * A duration PostgreSQL reports in seconds (replication lag) as the cluster CLI's tables print it:
 * milliseconds with one decimal, "12.3 ms", so a column of sub-millisecond lags still compares at a
 * glance; "-" when PostgreSQL has no figure (an idle replica reports NULL lag).
 */
export function secondsAsMs(seconds: number | null | undefined): string {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(1)} ms`;
}
