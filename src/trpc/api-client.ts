/** A plain (non-React) API client for Node programs such as the CLI (src/scripts/client.ts). */
import { createTRPCClient, TRPCClientError } from "@trpc/client";
import { noAnswerReason } from "~/http/no-answer";
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
  return noAnswerReason(error);
}
