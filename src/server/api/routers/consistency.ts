/**
 * Consistency: how far one write has spread. A mutation returns a consistency token (the primary's WAL
 * position after its commit); this tells, for that token, which replicas have replayed the write. The
 * user pages poll it right after a write to show it reaching each replica. Public, like the "served by"
 * badges: it names nodes, never their URLs or credentials.
 */
import { z } from "zod";
import { isToken } from "~/server/db/data-layer/consistency-token";
import { createTRPCRouter, publicProcedure } from "../trpc";

const token = z.string({ error: "token must be text" }).trim().refine(isToken, {
  error: "token must be a consistency token like 2:0/3000148 (the consistencyToken a mutation returned)",
});

export const consistencyRouter = createTRPCRouter({
  /** Per node other than the writer: "replayed", "behind" (and whether its replay is paused) or "unreachable". */
  progress: publicProcedure
    .input(z.object({ token }))
    .query(async ({ ctx, input }) => ({ nodes: await ctx.services.db.replayProgress(input.token) })),
});
