/** The two races a hedged read runs: an attempt against a delay, and two attempts against each other. */

export type Settled<T> = { state: "ok"; value: T } | { state: "failed"; error: unknown } | { state: "slow" };

/** The promise's outcome, or "slow" if it has not settled within `ms` (never, when `ms` is undefined). */
export function settleOrTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<Settled<T>> {
  const settled = promise.then(
    (value): Settled<T> => ({ state: "ok", value }),
    (error): Settled<T> => ({ state: "failed", error }),
  );
  if (ms === undefined) return settled;
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: "slow" }), ms);
  });
  return Promise.race([settled, slow]).finally(() => clearTimeout(timer));
}

/** The first to succeed, or every error when all fail. */
export function firstSuccess<T>(
  attempts: Promise<T>[],
): Promise<({ state: "ok" } & T) | { state: "failed"; errors: unknown[] }> {
  return new Promise((resolve) => {
    const errors: unknown[] = [];
    for (const [i, attempt] of attempts.entries()) {
      attempt.then(
        (value) => resolve({ state: "ok", ...value }),
        (error) => {
          errors[i] = error;
          if (errors.filter((e) => e !== undefined).length === attempts.length) resolve({ state: "failed", errors });
        },
      );
    }
  });
}
