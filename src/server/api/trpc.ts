/**
 * YOU PROBABLY DON'T NEED TO EDIT THIS FILE, unless you want to change what every request carries
 * (the context) or add a kind of procedure (create-t3-app's layout).
 *
 * 1. Context: the data layer bound to what the request says about the client (its newest consistency
 *    token, `x-consistency-token`), and its bearer token.
 * 2. Initialization: superjson (Dates survive the wire) and the error shape clients see (./errors.ts).
 * 3. Procedures: `publicProcedure`, and `adminProcedure`, which needs the admin token.
 */
import { TRPCError, initTRPC } from "@trpc/server";
import { adminTokenMatches } from "./admin-token";
import { formatError, translateError } from "./errors";
import { bearerTokenFrom, consistencyTokenFrom } from "./request-headers";
import { transformer } from "~/http/transformer";
import type { ApiServices } from "./services";

export async function createTRPCContext(opts: { headers: Headers; services: ApiServices }) {
  return {
    /**
     * This request's data layer: `ctx.db.read((db) => …)` and `ctx.db.write((db) => …)` carry the client's
     * consistency token (`x-consistency-token`) themselves, so read-your-writes cannot be forgotten.
     */
    db: opts.services.db.forRequest(consistencyTokenFrom(opts.headers)),
    bearerToken: bearerTokenFrom(opts.headers),
    services: opts.services,
  };
}

export type Context = Awaited<ReturnType<typeof createTRPCContext>>;

const t = initTRPC.context<Context>().create({
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

/** Anyone may call it. Input validation runs inside `translateErrors`, so bad input is BAD_REQUEST. */
export const publicProcedure = t.procedure.use(translateErrors);

/** Needs `Authorization: Bearer <ADMIN_TOKEN>`: replication status and cluster operations. */
export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.bearerToken) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Admin procedures need an `Authorization: Bearer <ADMIN_TOKEN>` header" });
  }
  if (!adminTokenMatches(ctx.bearerToken, ctx.services.adminToken)) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "The admin token is not valid" });
  }
  return next();
});
