/**
 * Why an HTTP request to a Tandem server got no answer, from the error `fetch` threw (nothing listening,
 * unknown host, timeout, …): shared by the app's API client and `db:verify`'s check 6, which must not
 * import the app.
 */
import { causeChain } from "../replication/cause-chain";

export function noAnswerReason(error: unknown): string {
  const chain = causeChain(error, 6);
  const code = chain.map((e) => e.code).find((c) => typeof c === "string");
  if (code === "ECONNREFUSED") return "connection refused: nothing is listening there";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (chain.some((e) => e.name === "TimeoutError" || e.name === "AbortError")) return "no answer in time";
  if (code) return String(code);
  // fetch itself failed (its TypeError's innermost cause says why), or the answer was not tRPC's JSON.
  const fetchFailed = chain.some((e) => e.name === "TypeError" && e.message === "fetch failed");
  return fetchFailed
    ? `fetch failed: ${chain.at(-1)?.message}`
    : `it did not answer like a Tandem server: ${(error as Error)?.message}`;
}
