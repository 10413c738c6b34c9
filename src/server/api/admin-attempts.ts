/**
 * Failed admin-token attempts, counted per client address in fixed windows (rate-limiter-flexible's
 * in-memory limiter: its keys expire with their window, so a scan from many addresses cannot grow memory
 * without bound). An address that sent `maxFailures` wrong tokens in a window gets 429 with Retry-After
 * on every request that carries a token, right or wrong, until the window ends: letting a right one
 * through would tell a guesser when it had won. The first refusal of a window is logged, once.
 *
 * Transport-independent: a transport asks `refusal` before handling a request that carries a token,
 * and calls `recordFailure` when the API answered it UNAUTHORIZED (./handler.ts does both for tRPC).
 * Per process: several app processes each count on their own.
 */
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Env } from "~/config/parse-env";
import { CLIENT_ADDRESS_HEADER } from "~/http/headers";
import type { LimitViolation } from "./request-limits";

export interface AdminAttemptSettings {
  maxFailures: number;
  windowSeconds: number;
  /** Where the once-per-window line goes; console.warn by default. */
  log?: (line: string) => void;
}

export function adminAttemptSettingsFrom(
  env: Pick<Env, "ADMIN_AUTH_MAX_FAILURES" | "ADMIN_AUTH_WINDOW_SECONDS">,
): AdminAttemptSettings {
  return { maxFailures: env.ADMIN_AUTH_MAX_FAILURES, windowSeconds: env.ADMIN_AUTH_WINDOW_SECONDS };
}

export class AdminAttemptGuard {
  private readonly failures: RateLimiterMemory;
  private readonly log: (line: string) => void;

  constructor(private readonly settings: AdminAttemptSettings) {
    this.failures = new RateLimiterMemory({ points: settings.maxFailures, duration: settings.windowSeconds });
    this.log = settings.log ?? ((line) => console.warn(line));
  }

  /** 429 while `address` has used up its failures in the current window, else undefined. */
  async refusal(address: string): Promise<LimitViolation | undefined> {
    const record = await this.failures.get(address);
    if (!record || record.consumedPoints < this.settings.maxFailures) return undefined;
    const retryAfter = Math.max(1, Math.ceil(record.msBeforeNext / 1000));
    return {
      status: 429,
      code: "TOO_MANY_REQUESTS",
      message: `Too many wrong admin tokens from this address; try again in ${retryAfter} s.`,
      headers: { "retry-after": String(retryAfter) },
    };
  }

  async recordFailure(address: string): Promise<void> {
    // penalty() counts without rejecting once past the limit (consume() would), so the count is exact.
    const record = await this.failures.penalty(address, 1);
    if (record.consumedPoints === this.settings.maxFailures) {
      this.log(
        `[admin] ${this.settings.maxFailures} wrong admin tokens from ${address} within ${this.settings.windowSeconds} s: its admin requests get 429 for the next ${Math.ceil(record.msBeforeNext / 1000)} s`,
      );
    }
  }
}

/**
 * The client's address as the API sees it: the socket's, stamped by the server; without the stamp (a
 * handler served some other way) the last X-Forwarded-For entry. Behind a reverse proxy every client
 * has the proxy's address, so they share one count.
 */
export function clientAddressFrom(headers: Headers): string {
  const stamped = headers.get(CLIENT_ADDRESS_HEADER);
  if (stamped) return stamped;
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.slice(forwarded.lastIndexOf(",") + 1).trim();
  return last || "unknown";
}
