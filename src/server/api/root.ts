import { consistencyRouter } from "./routers/consistency";
import { replicationRouter } from "./routers/replication";
import { topologyRouter } from "./routers/topology";
import { userRouter } from "./routers/user";
import { createCallerFactory, createTRPCRouter } from "./trpc";

/** The API. Add a router in ./routers and list it here. */
export const appRouter = createTRPCRouter({
  user: userRouter,
  consistency: consistencyRouter,
  replication: replicationRouter,
  topology: topologyRouter,
});

/** The API's type, for clients (src/trpc/); never import the router itself into client code. */
export type AppRouter = typeof appRouter;

/** A server-side caller: `createCaller(await createTRPCContext({ headers, services })).user.list()`. */
export const createCaller = createCallerFactory(appRouter);
