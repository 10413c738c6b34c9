"use client";

import { useQuery } from "@tanstack/react-query";
import { DatabaseIcon } from "lucide-react";
import { formatBytes, formatDuration } from "~/format/units";
import type { RouterOutputs } from "~/trpc/react";
import { useTRPC } from "~/trpc/react";
import { conditionOf } from "./admin/node-condition";
import { errorMessage } from "./api-error";
import { FormError } from "./form-error";
import { Badge } from "./ui/badge";
import { cn } from "./ui/cn";
import { Skeleton } from "./ui/skeleton";

type Topology = RouterOutputs["topology"]["nodes"];
type TopologyNode = Topology["nodes"][number];

/** As often as the data layer probes its nodes: the page is never more than a probe or two behind. */
const POLL_MS = 2_000;

/**
 * The cluster as the data layer sees it now: the node writes go to, then the others, each with its state
 * in words and colour, and a replica's lag. Names are the data layer's (the admin page and `db:status`
 * use the same), so after a promote the new writer is named, and the old one shows as fenced.
 */
export function LiveTopology() {
  const trpc = useTRPC();
  const topology = useQuery({
    ...trpc.topology.nodes.queryOptions(),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });

  if (topology.isPending) return <TopologySkeleton />;
  if (topology.isError && !topology.data)
    return <FormError>Could not load the topology: {errorMessage(topology.error)}</FormError>;
  const { writer, nodes, allReplicasOut } = topology.data;
  const writerNode = nodes.find((n) => n.name === writer);
  const others = nodes.filter((n) => n !== writerNode);
  return (
    <div className="grid gap-3">
      <p className="text-sm text-muted-foreground">
        {writer ? (
          <>
            Writes go to <strong className="text-foreground">{writer}</strong>
          </>
        ) : (
          <strong className="text-danger">No node takes writes right now</strong>
        )}
        {allReplicasOut
          ? "; every replica is out, so reads go there too."
          : "; reads are spread over the healthy replicas."}{" "}
        Refreshed every {POLL_MS / 1000} s.
      </p>
      {/* The writer first, across the row; the nodes that follow it below. */}
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Database nodes">
        {writerNode && <NodeItem node={writerNode} isWriter />}
        {others.map((node) => (
          <NodeItem key={node.name} node={node} isWriter={false} />
        ))}
      </ul>
      {nodes.length === 1 && (
        <p className="text-muted-foreground">No replicas configured: every read goes to the primary.</p>
      )}
    </div>
  );
}

const TONE_BORDER = {
  ok: "border-l-ok",
  warn: "border-l-warn",
  danger: "border-l-danger",
  info: "border-l-info",
} as const;

function NodeItem({ node, isWriter }: { node: TopologyNode; isWriter: boolean }) {
  const condition = conditionOf(node);
  return (
    <li
      aria-label={node.name}
      className={cn(
        "grid content-start gap-1 rounded-lg border border-l-4 bg-card px-4 py-3",
        isWriter && "sm:col-span-2",
        TONE_BORDER[condition.tone],
      )}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <DatabaseIcon className={cn("size-4", isWriter ? "text-writer" : "text-replica")} aria-hidden="true" />
        <span className="font-semibold" data-testid="node-name">
          {node.name}
        </span>
        <Badge tone={condition.tone} data-testid="node-condition">
          {condition.label}
        </Badge>
        <code className="ml-auto font-mono text-sm text-muted-foreground">{node.endpoint}</code>
      </div>
      <p className="text-sm text-muted-foreground">
        {condition.explanation}
        {!isWriter && node.reachable && !node.fenced && (
          <>
            {" "}
            Lag{" "}
            <span
              data-testid="node-lag"
              className="whitespace-nowrap font-medium text-foreground tabular-nums"
            >{`${formatBytes(node.lagBytes)} · ${formatDuration(node.lagSeconds === null ? null : node.lagSeconds * 1000)}`}</span>
            .
          </>
        )}
      </p>
    </li>
  );
}

function TopologySkeleton() {
  return (
    <div className="grid gap-3">
      <p className="sr-only" role="status">
        Loading the topology…
      </p>
      <Skeleton className="h-5 w-80" />
      <Skeleton className="h-[4.5rem] w-full rounded-lg" />
      <div className="grid gap-3 sm:grid-cols-2">
        <Skeleton className="h-[4.5rem] rounded-lg" />
        <Skeleton className="h-[4.5rem] rounded-lg" />
      </div>
    </div>
  );
}
