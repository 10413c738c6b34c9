import { type Progress, silentProgress } from "./progress";

/**
 * Polls a condition until it holds or a deadline passes: how every "wait until streaming" is done.
 * `progress` shows the wait ("waiting for <what>") once it lasts.
 */
export function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    progress = silentProgress,
  }: { timeoutMs?: number; intervalMs?: number; progress?: Progress } = {},
): Promise<T> {
  return progress(`waiting for ${what}`, poll(what, probe, timeoutMs, intervalMs));
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error; // a node still starting refuses connections; keep polling until the deadline
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
