/**
 * Admin: what replication is doing and, on the embedded cluster, the levers to show it off
 * (pause replay to make a replica lag, promote one to see writes follow). Every procedure needs the
 * admin token.
 *
 * Status and probe reuse the cluster manager's SQL (src/cluster/status.ts, src/cluster/verify.ts) over
 * the app's own connection URLs, with the node the data layer currently writes to as the primary: after
 * a failover the old primary's view of replication is gone, the new one's is what matters.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { UnknownNodeError } from "~/cluster/context";
import { promote } from "~/cluster/promote";
import { setReplayPaused } from "~/cluster/replay";
import { readState } from "~/cluster/state";
import { type NodeStatus, clusterStatus } from "~/cluster/status";
import { type Topology, topologyOfUrls } from "~/cluster/topology";
import { measureVisibility } from "~/cluster/verify";
import { isConnectionError } from "~/server/db/connection-errors";
import type { DataLayer } from "~/server/db/data-layer";
import { routingView } from "~/server/routing-view";
import type { Context } from "../trpc";
import { adminProcedure, createTRPCRouter } from "../trpc";

const nodeInput = z.object({
  node: z.string({ error: "node must be text" }).regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: "node must be a node name such as replica1" }),
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

/**
 * The app's nodes as a topology, under the names the data layer gives them (nodes.ts: the embedded
 * cluster's own, or primary, replica1, … for URLs), so the two views line up by name.
 */
function currentTopology(db: DataLayer): Topology {
  const [primary, ...replicas] = db.nodes;
  const topology = topologyOfUrls(primary.url, replicas.map((r) => r.url), db.nodes.map((n) => n.name));
  const writer = db.monitor.writer()?.name ?? primary.name;
  return { ...topology, nodes: topology.nodes.map((n) => ({ ...n, role: n.name === writer ? "primary" : "replica" })) };
}

/**
 * A node's status with its current role (the topology's is only what we assumed), and without its
 * connection URL, which holds the password.
 */
function publicStatus({ name, url: _url, role: _assumed, host, port, running, ...status }: NodeStatus, fenced: Set<string>) {
  const role: "writer" | "replica" | "unreachable" | "fenced" = !running ? (fenced.has(name) ? "fenced" : "unreachable") : status.inRecovery ? "replica" : "writer";
  return { name, role, endpoint: `${host}:${port}`, reachable: running, ...status };
}

/** The embedded cluster's fenced former primaries: a server started before a promote still lists one. */
function fencedNodes(root: string | undefined): Set<string> {
  const state = root ? readState(root) : undefined;
  return new Set(state?.nodes.filter((n) => n.role === "fenced").map((n) => n.name));
}

/**
 * Runs a cluster-manager operation on the embedded cluster. Its refusals ("'primary' is the primary;
 * replay can only be paused on a replica.") are sentences written for operators, so they pass through.
 */
async function onEmbeddedCluster<T>(ctx: Context, operation: (root: string) => Promise<T>): Promise<T> {
  const root = ctx.services.embeddedClusterRoot;
  if (!root) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message:
        "Pause, resume and promote act on the embedded development cluster (npm run db:up); this app runs on DATABASE_URL, so use your own cluster's tools.",
    });
  }
  try {
    return await operation(root);
  } catch (error) {
    if (error instanceof TRPCError || isConnectionError(error)) throw error;
    if (error instanceof UnknownNodeError) throw new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: (error as Error).message, cause: error });
  }
}

export const replicationRouter = createTRPCRouter({
  status: adminProcedure.query(async ({ ctx }) => {
    const routing = await routingView(ctx.services.db);
    const statuses = await clusterStatus(currentTopology(ctx.services.db));
    const fenced = fencedNodes(ctx.services.embeddedClusterRoot);
    return {
      cluster: ctx.services.embeddedClusterRoot ? ("embedded" as const) : ("environment" as const),
      writer: routing.writer,
      allReplicasOut: routing.allReplicasOut,
      nodes: statuses.map((status) => ({
        ...publicStatus(status, fenced),
        routing: routing.nodes.find((n) => n.node === status.name) ?? null,
      })),
    };
  }),

  /**
   * Each replica's lag over the last minutes (the monitor's history, no query of its own): the page
   * fetches the window once, then every second only what is newer than the last sample it has.
   */
  lagHistory: adminProcedure.input(lagHistoryInput).query(async ({ ctx, input }) => {
    await ctx.services.db.monitor.start(); // the first call waits for one probe round, so the answer is never empty
    return { ...ctx.services.db.monitor.lagHistory.since(input?.since), maxLagMs: ctx.services.db.monitor.maxLagMs };
  }),

  // The replay state returned is the replica's own answer ("paused", or "pause requested" while replay
  // finishes a record; "not paused" after a resume).
  pauseReplay: adminProcedure
    .input(nodeInput)
    .mutation(({ ctx, input }) => onEmbeddedCluster(ctx, async (root) => ({ node: input.node, replay: await setReplayPaused(input.node, true, { root }) }))),

  resumeReplay: adminProcedure
    .input(nodeInput)
    .mutation(({ ctx, input }) => onEmbeddedCluster(ctx, async (root) => ({ node: input.node, replay: await setReplayPaused(input.node, false, { root }) }))),

  promote: adminProcedure.input(nodeInput).mutation(({ ctx, input }) =>
    onEmbeddedCluster(ctx, async (root) => {
      await promote(input.node, { root });
      await ctx.services.db.monitor.probe(); // route writes to the new primary now, not at the next probe
      const nodes = readState(root)?.nodes.map(({ name, role, port }) => ({ name, role, port })) ?? [];
      return { primary: input.node, nodes };
    }),
  ),

  /** Writes a marker on the writer and reports how long each replica took to replay it and show it. */
  probe: adminProcedure.mutation(async ({ ctx }) => {
    await ctx.services.db.monitor.start();
    return { replicas: await measureVisibility(currentTopology(ctx.services.db)) };
  }),
});
