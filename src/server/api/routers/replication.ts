/**
 * Admin: what replication is doing and, on the embedded cluster, the levers to show it off (pause replay
 * to make a replica lag, promote one to see writes follow). Every procedure needs the admin token.
 *
 * The levers come through `ctx.services.cluster` (./cluster-control.ts), present only when the app runs
 * on the embedded cluster. Status and probe work on any cluster: over the data layer's nodes, with the
 * node it currently writes to as the writer (after a failover the old primary's view is gone).
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { isConnectionError } from "~/replication/connection-errors";
import { measureVisibility } from "~/replication/visibility";
import { replicationStatus } from "~/server/node-status";
import { readRatesOf } from "~/server/read-rates";
import { forgetReplicationDetails } from "~/server/replication-details";
import { type ClusterControl, UnknownClusterNodeError } from "../cluster-control";
import type { Context } from "../trpc";
import { adminProcedure, createTRPCRouter } from "../trpc";

const nodeInput = z.object({
  node: z
    .string({ error: "node must be text" })
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: "node must be a node name such as replica1" }),
});

/** `since` is the newest `at` the page already has; without it, the whole window. */
const lagHistoryInput = z
  .object({
    since: z
      .number({ error: "since must be a time in milliseconds since 1970 (the `at` of the newest sample you have)" })
      .int({ error: "since must be a whole number of milliseconds" })
      .nonnegative({ error: "since must not be negative" })
      .optional(),
  })
  .optional();

/** `sinceId` is the newest event id the page already has; without it, every event kept. */
const eventsInput = z
  .object({
    sinceId: z
      .number({ error: "sinceId must be an event id" })
      .int({ error: "sinceId must be a whole number" })
      .nonnegative({ error: "sinceId must not be negative" })
      .optional(),
    limit: z
      .number({ error: "limit must be a number" })
      .int({ error: "limit must be a whole number" })
      .min(1, { error: "limit must be at least 1" })
      .max(500, { error: "limit must be at most 500" })
      .optional(),
  })
  .optional();

/**
 * Pulls one of the embedded cluster's levers, then probes at once so status and routing show the change
 * now, not at the next probe. The cluster manager's refusals ("'primary' is the primary; replay can only
 * be paused on a replica.") are sentences written for operators, so they pass through.
 */
async function onEmbeddedCluster<T>(ctx: Context, operation: (cluster: ClusterControl) => Promise<T>): Promise<T> {
  const cluster = ctx.services.cluster;
  if (!cluster) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message:
        "Pause, resume and promote act on the embedded development cluster (npm run db:up); this app runs on DATABASE_URL, so use your own cluster's tools.",
    });
  }
  try {
    return await operation(cluster);
  } catch (error) {
    if (error instanceof TRPCError || isConnectionError(error)) throw error;
    if (error instanceof UnknownClusterNodeError)
      throw new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: (error as Error).message, cause: error });
  } finally {
    forgetReplicationDetails(ctx.services.db);
  }
}

export const replicationRouter = createTRPCRouter({
  /** One merged view per node (~/server/node-status.ts), cheap to poll: no connection of its own per call. */
  status: adminProcedure.query(({ ctx }) => replicationStatus(ctx.services.db, ctx.services.cluster)),

  /**
   * Each replica's lag over the last minutes (the monitor's history, no query of its own): the page
   * fetches the window once, then every second only what is newer than the last sample it has.
   */
  lagHistory: adminProcedure.input(lagHistoryInput).query(async ({ ctx, input }) => {
    await ctx.services.db.monitor.start(); // the first call waits for one probe round, so the answer is never empty
    return { ...ctx.services.db.monitor.lagHistory.since(input?.since), maxLagMs: ctx.services.db.monitor.maxLagMs };
  }),

  /**
   * What changed, newest first: nodes lost and back, the writer moving, divergence, and the levers pulled
   * here (~/server/db/node-events.ts), kept across restarts (~/server/db/ops-records.ts).
   */
  events: adminProcedure
    .input(eventsInput)
    .query(({ ctx, input }) => ({ events: ctx.services.events?.list(input ?? {}) ?? [] })),

  /** Reads and connection errors per node per second, from the data layer's counters (sampled when asked). */
  traffic: adminProcedure.query(({ ctx }) => readRatesOf(ctx.services.db).sample(ctx.services.db.counts(), Date.now())),

  // The replay state returned is the replica's own answer ("paused", or "pause requested" while replay
  // finishes a record; "not paused" after a resume).
  pauseReplay: adminProcedure.input(nodeInput).mutation(({ ctx, input }) =>
    onEmbeddedCluster(ctx, async (cluster) => {
      const replay = await cluster.pauseReplay(input.node);
      ctx.services.events?.record({ kind: "pause", node: input.node, details: { replay } });
      await ctx.services.db.monitor.probe();
      return { node: input.node, replay };
    }),
  ),

  resumeReplay: adminProcedure.input(nodeInput).mutation(({ ctx, input }) =>
    onEmbeddedCluster(ctx, async (cluster) => {
      const replay = await cluster.resumeReplay(input.node);
      ctx.services.events?.record({ kind: "resume", node: input.node, details: { replay } });
      await ctx.services.db.monitor.probe();
      return { node: input.node, replay };
    }),
  ),

  promote: adminProcedure.input(nodeInput).mutation(({ ctx, input }) =>
    onEmbeddedCluster(ctx, async (cluster) => {
      const from = ctx.services.db.monitor.writer()?.name ?? null;
      await cluster.promote(input.node);
      ctx.services.events?.record({ kind: "promote", node: input.node, details: { from } });
      await ctx.services.db.monitor.probe(); // route writes to the new primary now, not at the next probe
      return { primary: input.node, fenced: cluster.fencedNodes() };
    }),
  ),

  /** Writes a marker on the writer and reports how long each replica took to replay it and show it. */
  probe: adminProcedure.mutation(async ({ ctx }) => {
    await ctx.services.db.monitor.start();
    const writer = ctx.services.db.monitor.writer()?.name;
    const nodes = ctx.services.db.nodes.map(({ name, url }) => ({ name, url }));
    const fenced = new Set(ctx.services.cluster?.fencedNodes()); // stopped for good: no replica to wait for
    const replicas = nodes.filter((n) => n.name !== writer && !fenced.has(n.name));
    return { replicas: await measureVisibility(nodes.find((n) => n.name === writer) ?? nodes[0], replicas) };
  }),
});
