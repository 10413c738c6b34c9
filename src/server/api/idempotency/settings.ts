/** How long Idempotency-Keys are kept, and how often expired ones are deleted. */
export interface IdempotencySettings {
  /** A key's first answer is replayed to retries for this long (IDEMPOTENCY_KEY_TTL_HOURS); after it the key is new again. */
  ttlMs: number;
  /** Expired keys are deleted at most this often, by the next request that carries a key. */
  sweepIntervalMs: number;
}

/** Sweeping every 10 minutes keeps the table near one TTL's worth of keys without a statement per request. */
export function idempotencySettings(ttlHours: number): IdempotencySettings {
  return { ttlMs: ttlHours * 3_600_000, sweepIntervalMs: 600_000 };
}
