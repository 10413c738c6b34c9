/** What the API reads from request headers: the client's consistency token and a bearer token. */
import { TRPCError } from "@trpc/server";
import { CONSISTENCY_TOKEN_HEADER } from "~/http/headers";
import { isToken } from "~/server/db/data-layer/consistency-token";

/**
 * The client's newest consistency token, or undefined when it sent none. A malformed one is refused
 * rather than ignored: ignoring it would silently drop read-your-writes for that client.
 */
export function consistencyTokenFrom(headers: Headers): string | undefined {
  const value = headers.get(CONSISTENCY_TOKEN_HEADER)?.trim();
  if (!value) return undefined;
  if (!isToken(value)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The ${CONSISTENCY_TOKEN_HEADER} header must be a consistency token like 2:0/3000148 (the consistencyToken a mutation returned)`,
    });
  }
  return value;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerTokenFrom(headers: Headers): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
}
