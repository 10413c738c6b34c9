/**
 * The database topology for everyone (the home page): no admin token, and nothing an operator-only view
 * holds (~/server/public-topology.ts). Built from the same status as replication.status, so both name
 * and describe the nodes alike. Cheap to poll: the status shares one round of details per second.
 */
import { replicationStatus } from "~/server/node-status";
import { publicTopology } from "~/server/public-topology";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const topologyRouter = createTRPCRouter({
  nodes: publicProcedure.query(async ({ ctx }) =>
    publicTopology(await replicationStatus(ctx.services.db, ctx.services.cluster)),
  ),
});
