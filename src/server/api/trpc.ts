/**
 * YOU PROBABLY DON'T NEED TO EDIT THIS FILE, unless you want to change what every request carries
 * (the context) or add a kind of procedure (create-t3-app's layout).
 *
 * 1. Context: the data layer bound to what the request says about the client (its newest consistency
 *    token, `x-consistency-token`), and its bearer token.
 * 2. Initialization: superjson (Dates survive the wire) and the error shape clients see (./errors.ts).
 * 3. Procedures: `publicProcedure`, and `adminProcedure`, which needs the admin token.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { transformer } from "~/http/transformer";
import type { ApiMeta } from "~/server/rest/route-meta";
import { adminTokenMatches } from "./admin-token";
import { formatError, translateError } from "./errors";
import { requestFingerprint } from "./idempotency/fingerprint";
import { withIdempotency } from "./idempotency/idempotent-writes";
import { idempotencyKeyFrom } from "./idempotency/key-header";
import { bearerTokenFrom, consistencyTokenFrom } from "./request-headers";
import type { ApiServices } from "./services";

export async function createTRPCContext(opts: { headers: Headers; services: ApiServices }) {
  return {
    /**
     * This request's data layer: `ctx.db.read((db) => …)` and `ctx.db.write((db) => …)` carry the client's
     * consistency token (`x-consistency-token`) themselves, so read-your-writes cannot be forgotten.
     */
    db: opts.services.db.forRequest(consistencyTokenFrom(opts.headers)),
    bearerToken: bearerTokenFrom(opts.headers),
    /** The request's Idempotency-Key (mutations only use it); `replayed` says the answer is its first one again. */
    idempotency: { key: idempotencyKeyFrom(opts.headers), replayed: false },
    services: opts.services,
  };
}

export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

const t = initTRPC
  .context<Context>()
  .meta<ApiMeta>()
  .create({
    transformer,
    errorFormatter: ({ shape, error }) => formatError(shape, error),
  });

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/** Gives known failures their meaning (CONFLICT, NOT_FOUND, SERVICE_UNAVAILABLE, …) on every procedure. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw translateError(result.error);
  return result;
});

/**
 * A mutation sent with an Idempotency-Key writes through ./idempotency/idempotent-writes.ts: the key is
 * recorded in the transaction of the change, and a retry gets the first answer. The fingerprint is the
 * procedure and its input as sent, so REST and tRPC calls of one procedure share keys.
 */
const idempotentMutations = t.middleware(async ({ ctx, type, path, getRawInput, next }) => {
  const { key } = ctx.idempotency;
  if (type !== "mutation" || key === undefined) return next();
  const request = {
    key,
    fingerprint: requestFingerprint(path, await getRawInput()),
    settings: ctx.services.idempotency,
    onReplay: () => {
      ctx.idempotency.replayed = true;
    },
  };
  return next({ ctx: { db: withIdempotency(ctx.db, ctx.services.db, request) } });
});

/** Anyone may call it. Input validation runs inside `translateErrors`, so bad input is BAD_REQUEST. */
export const publicProcedure = t.procedure.use(translateErrors).use(idempotentMutations);

/** Needs `Authorization: Bearer <ADMIN_TOKEN>`: replication status and cluster operations. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.bearerToken) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Admin procedures need an `Authorization: Bearer <ADMIN_TOKEN>` header",
    });
  }
  if (!adminTokenMatches(ctx.bearerToken, ctx.services.adminToken)) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "The admin token is not valid" });
  }
  return next();
});
