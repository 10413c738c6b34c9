/** A plain (non-React) API client for Node programs: the CLI (src/scripts/client.ts) and db:verify. */
import { TRPCClientError, createTRPCClient } from "@trpc/client";
import type { AppRouter } from "~/server/api/root";
import { type ConsistencyTokenStore, memoryTokenStore } from "./consistency-token";
import { apiLinks } from "./links";

/** `baseUrl` is the app's origin, e.g. http://127.0.0.1:3000. */
export function createApiClient(baseUrl: string, tokenStore: ConsistencyTokenStore = memoryTokenStore()) {
  return createTRPCClient<AppRouter>({ links: apiLinks({ url: new URL("/api/trpc", baseUrl).href, tokenStore }) });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * Why a call got no answer from a Tandem server (nothing listening, unknown host, timeout, something
 * else on that port), or undefined when the server did answer, with a result or a tRPC error.
 */
export function unreachableReason(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError) || error.shape) return undefined;
  const chain = causes(error);
  const code = chain.map((e) => e.code).find((c) => typeof c === "string");
  if (code === "ECONNREFUSED") return "connection refused: nothing is listening there";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (chain.some((e) => e.name === "TimeoutError" || e.name === "AbortError")) return "no answer in time";
  if (code) return String(code);
  // fetch itself failed (its TypeError's innermost cause says why), or the answer was not tRPC's JSON.
  const fetchFailed = chain.some((e) => e.name === "TypeError" && e.message === "fetch failed");
  return fetchFailed ? `fetch failed: ${chain.at(-1)?.message}` : `it did not answer like a Tandem server: ${error.message}`;
}

type ErrorLike = { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };

/** The error and its causes, outermost first. */
function causes(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error as ErrorLike | undefined; e && typeof e === "object" && chain.length < 6; e = e.cause as ErrorLike | undefined) chain.push(e);
  return chain;
}
