"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { RouterOutputs } from "~/trpc/react";
import { useTRPC } from "~/trpc/react";
import { errorMessage, retryUnlessClientError } from "./api-error";

type NodeProgress = RouterOutputs["consistency"]["progress"]["nodes"][number];

/** Often at first, where replication happens (milliseconds); then gently, for a paused or stopped replica. */
const FAST_POLL_MS = 100;
const FAST_FOR_MS = 3_000;
const SLOW_POLL_MS = 1_000;
/** A replica that stays behind this long is left to the admin page, which shows replication live. */
const GIVE_UP_MS = 5 * 60_000;

const done = (nodes: NodeProgress[] | undefined) => nodes !== undefined && nodes.every((n) => n.state === "replayed");

/**
 * A write reaching each replica: asks the server which replicas have replayed it (its consistency
 * token) until all have, and says by when each had it, counted from when the write's answer arrived: an
 * upper bound, as precise as the polling (every 0.1 s at first), since a replica usually has the write
 * before the page first asks.
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

  // When each node was first seen with the write, in ms after it; kept, so it never changes afterwards.
  const [seenAfter, setSeenAfter] = useState<Record<string, number>>({});
  const nodes = progress.data?.nodes;
  const answeredAt = progress.dataUpdatedAt;
  useEffect(() => {
    const newlyReplayed = nodes?.filter((n) => n.state === "replayed" && seenAfter[n.node] === undefined) ?? [];
    if (newlyReplayed.length === 0) return;
    setSeenAfter((seen) => ({ ...seen, ...Object.fromEntries(newlyReplayed.map((n) => [n.node, Math.max(0, answeredAt - writtenAt)])) }));
  }, [nodes, answeredAt, writtenAt, seenAfter]);

  // Polling stops at GIVE_UP_MS; say so rather than leave "Not yet" looking live.
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGaveUp(true), Math.max(0, writtenAt + GIVE_UP_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [writtenAt]);

  if (progress.isError) {
    return (
      <p className="muted" role="status">
        Could not follow this write to the replicas: {errorMessage(progress.error)}
      </p>
    );
  }
  if (!nodes || nodes.length === 0) return null;
  return (
    <section className="write-progress" aria-labelledby="write-progress-heading">
      <h2 id="write-progress-heading">This write on each replica</h2>
      <ul aria-label="Replicas" aria-live="polite">
        {nodes.map((n) => (
          <li key={n.node}>
            <strong>{n.node}</strong> <ProgressBadge progress={n} seenAfter={seenAfter[n.node]} />
          </li>
        ))}
      </ul>
      {gaveUp && !done(nodes) && <p className="muted">No longer checking: the admin page shows replication live.</p>}
    </section>
  );
}

function ProgressBadge({ progress, seenAfter }: { progress: NodeProgress; seenAfter: number | undefined }) {
  if (progress.state === "replayed") {
    return (
      <>
        <span className="state-badge tone-ok">Replayed</span> <span className="muted">{seenAfter === undefined ? "" : `within ${formatMs(seenAfter)} of the write`}</span>
      </>
    );
  }
  if (progress.state === "unreachable") return <span className="state-badge tone-danger">Unreachable</span>;
  return (
    <>
      <span className="state-badge tone-warn">Not yet</span> {progress.replayPaused && <span className="muted">replay paused</span>}
    </>
  );
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
