/**
 * A duration PostgreSQL reports in seconds (replication lag) as the cluster CLI prints it: milliseconds with
 * one decimal, "12.3 ms", or "-" when PostgreSQL has no figure (an idle replica reports NULL lag).
 */
export function secondsAsMs(seconds: number | null | undefined): string {
  return seconds == null ? "-" : `${(seconds * 1000).toFixed(1)} ms`;
}
