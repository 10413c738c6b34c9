/**
 * The links every client of the API uses (the browser's React provider, the CLI, db:verify): the API's
 * transformer (src/http/transformer.ts) over HTTP batching, plus read-your-writes. The newest consistency token
 * any mutation returned is remembered in `tokenStore` and sent as `x-consistency-token` on every later request, so a client
 * always reads what it wrote, from a replica that has it or from the primary. The browser also logs
 * requests (`requestLogLink`).
 */
import { httpBatchLink, loggerLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { CONSISTENCY_TOKEN_HEADER } from "~/http/headers";
import { transformer } from "~/http/transformer";
import type { AppRouter } from "~/server/api/root";
import { type ConsistencyTokenStore, newerToken } from "./consistency-token";

export interface ApiLinkOptions {
  /** The tRPC endpoint, e.g. http://127.0.0.1:3000/api/trpc */
  url: string;
  tokenStore: ConsistencyTokenStore;
  /** The admin token, sent as `Authorization: Bearer …` (admin clients only). */
  adminToken?: string;
}

export function apiLinks({ url, tokenStore, adminToken }: ApiLinkOptions): TRPCLink<AppRouter>[] {
  return [
    rememberConsistencyToken(tokenStore),
    httpBatchLink({
      url,
      transformer,
      headers: () => {
        const token = tokenStore.get();
        return {
          ...(token ? { [CONSISTENCY_TOKEN_HEADER]: token } : {}),
          ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
        };
      },
    }),
  ];
}

/** Keeps the newest `consistencyToken` from mutation results; passes every result on unchanged. */
function rememberConsistencyToken(tokenStore: ConsistencyTokenStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next(envelope) {
            const token = op.type === "mutation" ? consistencyTokenOf(envelope.result) : undefined;
            if (token) tokenStore.set(newerToken(tokenStore.get(), token));
            observer.next(envelope);
          },
          error: (error) => observer.error(error),
          complete: () => observer.complete(),
        }),
      );
}

function consistencyTokenOf(result: unknown): string | undefined {
  const data = (result as { data?: { consistencyToken?: unknown } } | undefined)?.data;
  return typeof data?.consistencyToken === "string" ? data.consistencyToken : undefined;
}

/**
 * The browser's request log, with one rule: a failure is logged (as an error) unless the server answered
 * 4xx; in development every request and answer is logged too. A 4xx (bad input, a duplicate email, not
 * found, a wrong admin token) is the page's to explain, and does, in a sentence: logged as an error, it
 * would show in Next's development overlay as if the app had failed. A 5xx, or no answer, is unexpected.
 */
export function requestLogLink(): TRPCLink<AppRouter> {
  return loggerLink({
    enabled: (op) =>
      op.direction === "down" && op.result instanceof Error
        ? !isClientError(op.result)
        : process.env.NODE_ENV === "development",
  });
}

function isClientError(error: Error): boolean {
  const status =
    error instanceof TRPCClientError ? (error.data as { httpStatus?: unknown } | undefined)?.httpStatus : undefined;
  return typeof status === "number" && status >= 400 && status < 500;
}
