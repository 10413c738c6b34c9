"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatDuration } from "~/format/units";
import type { RouterOutputs } from "~/trpc/react";
import { useTRPC } from "~/trpc/react";
import { errorMessage, retryUnlessClientError } from "./api-error";
import { Badge } from "./ui/badge";

type NodeProgress = RouterOutputs["consistency"]["progress"]["nodes"][number];

/** Often at first, where replication happens (milliseconds); then gently, for a paused or stopped replica. */
const FAST_POLL_MS = 100;
const FAST_FOR_MS = 3_000;
const SLOW_POLL_MS = 1_000;
/** A replica that stays behind this long is left to the admin page, which shows replication live. */
const GIVE_UP_MS = 5 * 60_000;

const done = (nodes: NodeProgress[] | undefined) => nodes?.every((n) => n.state === "replayed") ?? false;

/**
 * When the page first saw a node with the write: "first" if it already had it at the page's first check
 * (no figure: that check comes after navigation and rendering, so its time says nothing about
 * replication), else the ms from the write's answer to the answer that first showed it, which is then a
 * true upper bound, as precise as the polling (every 0.1 s at first).
 */
type SeenAt = "first" | number;

/**
 * A write reaching each replica: asks the server which replicas have replayed it (its consistency
 * token) until all have, and says when each was first seen with it (see `SeenAt`).
 */
export function WriteProgress({ token, writtenAt }: { token: string; writtenAt: number }) {
  const trpc = useTRPC();
  const progress = useQuery({
    ...trpc.consistency.progress.queryOptions({ token }),
    refetchInterval: (query) => {
      const elapsed = Date.now() - writtenAt;
      if (done(query.state.data?.nodes) || elapsed > GIVE_UP_MS) return false;
      return elapsed < FAST_FOR_MS ? FAST_POLL_MS : SLOW_POLL_MS;
    },
    retry: retryUnlessClientError,
  });

  // Each node's SeenAt, kept once known, and the answer it was worked out from. Updated while rendering
  // (not in an effect), so a replica never shows "Replayed" without saying when.
  const nodes = progress.data?.nodes;
  const answeredAt = progress.dataUpdatedAt;
  const [seen, setSeen] = useState<{ answeredAt: number; at: Record<string, SeenAt> }>({ answeredAt: 0, at: {} });
  if (nodes && answeredAt !== seen.answeredAt) {
    const firstCheck = seen.answeredAt === 0;
    const at = { ...seen.at };
    for (const n of nodes)
      if (n.state === "replayed" && at[n.node] === undefined)
        at[n.node] = firstCheck ? "first" : Math.max(0, answeredAt - writtenAt);
    setSeen({ answeredAt, at });
  }

  // Polling stops at GIVE_UP_MS; say so rather than leave "Not yet" looking live.
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGaveUp(true), Math.max(0, writtenAt + GIVE_UP_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [writtenAt]);

  if (progress.isError) {
    return (
      <p className="text-sm text-muted-foreground" role="status">
        Could not follow this write to the replicas: {errorMessage(progress.error)}
      </p>
    );
  }
  if (!nodes || nodes.length === 0) return null;
  return (
    <section className="grid gap-2" aria-labelledby="write-progress-heading">
      <h2 id="write-progress-heading" className="text-sm font-semibold">
        This write on each replica
      </h2>
      <ul aria-label="Replicas" aria-live="polite" className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        {nodes.map((n) => (
          <li key={n.node}>
            <strong>{n.node}</strong> <ProgressBadge progress={n} seenAt={seen.at[n.node]} />
          </li>
        ))}
      </ul>
      {gaveUp && !done(nodes) && (
        <p className="text-sm text-muted-foreground">No longer checking: the admin page shows replication live.</p>
      )}
    </section>
  );
}

function ProgressBadge({ progress, seenAt }: { progress: NodeProgress; seenAt: SeenAt | undefined }) {
  if (progress.state === "replayed") {
    return (
      <>
        <Badge tone="ok">Replayed</Badge>{" "}
        <span className="text-muted-foreground">
          {seenAt === "first"
            ? "by the first check"
            : seenAt === undefined
              ? ""
              : `within ${formatDuration(seenAt)} of the write`}
        </span>
      </>
    );
  }
  if (progress.state === "unreachable") return <Badge tone="danger">Unreachable</Badge>;
  return (
    <>
      <Badge tone="warn">Not yet</Badge>{" "}
      {progress.replayPaused && <span className="text-muted-foreground">replay paused</span>}
    </>
  );
}
