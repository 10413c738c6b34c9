/**
 * Patroni's timing settings (its `bootstrap.dcs`), the numbers that bound a failover:
 *   ttl            the leader key's lease: a leader whose Patroni died is replaced when it expires
 *   loop_wait      seconds between two runs of each member's HA loop
 *   retry_timeout  how long DCS and PostgreSQL operations are retried before the member gives up leading
 * Patroni requires loop_wait + 2 × retry_timeout ≤ ttl (so a leader notices a lost DCS before its key
 * expires). The profile's defaults are short, for a developer's box and CI; production keeps Patroni's
 * own (30 / 10 / 10).
 */
export interface PatroniTimings {
  ttl: number;
  loop_wait: number;
  retry_timeout: number;
}

export const SHORT_TIMINGS: PatroniTimings = { ttl: 10, loop_wait: 1, retry_timeout: 3 };

export function assertValidTimings(t: PatroniTimings): PatroniTimings {
  if (t.loop_wait < 1 || t.retry_timeout < 1 || t.loop_wait + 2 * t.retry_timeout > t.ttl) {
    throw new Error(
      `Patroni timings must satisfy loop_wait ≥ 1 and loop_wait + 2 × retry_timeout ≤ ttl; got ${JSON.stringify(t)}`,
    );
  }
  return t;
}
