"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { errorCode, errorMessage, retryUnlessClientError } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { useAdminApi } from "./admin-api";
import { EventLogPanel } from "./event-log-panel";
import { LagPanel } from "./lag-panel";
import { type LagTrend, NodeCard, type TrafficTrend } from "./node-card";
import { ProbePanel } from "./probe-panel";
import { ReadsPanel } from "./reads-panel";
import { TopologyDiagram } from "./topology-diagram";
import { useLagHistory } from "./use-lag-history";
import { useTraffic } from "./use-traffic";

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
/** How much of each trend a node card draws. */
const TREND_POINTS = 60;

/** Replication status, refreshed every second: the topology, a card per node with its levers, lag, reads, events and the probe. */
export function AdminDashboard({
  token,
  onSignOut,
  focusOnMount,
}: {
  token: string;
  onSignOut: (reason: string | null) => void;
  focusOnMount: boolean;
}) {
  const api = useAdminApi(token);
  const statusLine = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focusOnMount) statusLine.current?.focus();
  }, [focusOnMount]);
  const queryClient = useQueryClient();
  const status = useQuery({
    ...api.replication.status.queryOptions(),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
    staleTime: 0,
    // Keep showing the last answer while the next one loads, and through a failed refresh: no flicker.
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });
  const traffic = useTraffic(api);
  const lagHistory = useLagHistory(token);

  const unauthorized = errorCode(status.error) === "UNAUTHORIZED";
  useEffect(() => {
    if (unauthorized) onSignOut("The server no longer accepts this admin token. Sign in again.");
  }, [unauthorized, onSignOut]);

  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: api.replication.status.queryKey() }),
      queryClient.invalidateQueries({ queryKey: api.replication.events.queryKey() }),
    ]);
  const pause = useMutation(api.replication.pauseReplay.mutationOptions({ onSettled: invalidate }));
  const resume = useMutation(api.replication.resumeReplay.mutationOptions({ onSettled: invalidate }));
  const promote = useMutation(api.replication.promote.mutationOptions({ onSettled: invalidate }));

  const data = status.data;
  // Each poll answers on its own second: the trends are derived once per answer, so a card re-renders
  // only when its node, its traffic or its lag changed (the cards and panels are memoised).
  const trafficTrends = useMemo(() => trafficTrendsOf(traffic.data), [traffic.data]);
  const lagTrends = useMemo(() => lagTrendsOf(lagHistory.data), [lagHistory.data]);
  const readsRows = useMemo(
    () =>
      (data?.nodes ?? [])
        .filter((n) => !n.fenced)
        .map((n) => ({ node: n.name, readsPerSecond: trafficTrends.get(n.name)?.readsPerSecond.at(-1) ?? 0 })),
    [data?.nodes, trafficTrends],
  );
  // Stable handlers (the mutations' own functions are), so a memoised card is not re-rendered for them.
  const { mutate: pauseNode } = pause;
  const { mutate: resumeNode } = resume;
  const { mutateAsync: promoteNode } = promote;
  const onPause = useCallback((node: string) => pauseNode({ node }), [pauseNode]);
  const onResume = useCallback((node: string) => resumeNode({ node }), [resumeNode]);
  const onPromote = useCallback((node: string) => promoteNode({ node }), [promoteNode]);
  const onPromoted = useCallback(() => statusLine.current?.focus(), []); // it now says "Writes go to <the promoted node>"

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p
          className="text-sm text-muted-foreground"
          aria-live="off"
          tabIndex={-1}
          ref={statusLine}
          data-testid="status-line"
        >
          {data ? (
            <>
              Writes go to{" "}
              <strong className="text-foreground">{data.writer ?? "no node (no writable primary is reachable)"}</strong>
              . Updated{" "}
              <time dateTime={new Date(status.dataUpdatedAt).toISOString()}>
                {timeFormat.format(status.dataUpdatedAt)}
              </time>
              , refreshing every second
              {data.cluster === "embedded" ? "." : "; pause, resume and promote need the embedded cluster."}
            </>
          ) : (
            "Loading replication status…"
          )}
        </p>
        <Button variant="outline" size="sm" onClick={() => onSignOut(null)}>
          Sign out
        </Button>
      </div>

      {status.isError && !unauthorized && (
        <FormError>
          {data
            ? "The status could not be refreshed; showing the last answer. "
            : "The replication status could not be loaded. "}
          {errorMessage(status.error)}
        </FormError>
      )}

      {data?.allReplicasOut && (
        <p className="rounded-md border border-warn/40 bg-warn-soft px-4 py-3 text-sm text-warn" role="alert">
          <strong>All replicas are out.</strong> No replica may serve reads, so every read goes to the writer
          {data.writer ? ` (${data.writer})` : ""}.
        </p>
      )}

      {data && (
        <Card>
          <CardHeader>
            <div className="grid gap-1">
              <CardTitle>Topology</CardTitle>
              <CardDescription>
                Writes go to the writer, which streams to each replica; the lag is on each edge.
              </CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <TopologyDiagram nodes={data.nodes} writer={data.writer} />
          </CardContent>
        </Card>
      )}

      {data && (
        <ul className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" aria-label="Nodes">
          {data.nodes.map((node) => (
            <li key={node.name} className="grid">
              <NodeCard
                node={node}
                lagTrend={lagTrends.get(node.name)}
                trafficTrend={trafficTrends.get(node.name)}
                canControl={data.cluster === "embedded"}
                onPause={onPause}
                onResume={onResume}
                onPromote={onPromote}
                onPromoted={onPromoted}
                pending={
                  (pause.isPending && pause.variables?.node === node.name) ||
                  (resume.isPending && resume.variables?.node === node.name)
                }
                actionError={
                  pause.isError && pause.variables?.node === node.name
                    ? `Replay could not be paused: ${errorMessage(pause.error)}`
                    : resume.isError && resume.variables?.node === node.name
                      ? `Replay could not be resumed: ${errorMessage(resume.error)}`
                      : null
                }
              />
            </li>
          ))}
        </ul>
      )}

      {data && <LagPanel series={lagHistory.data} error={lagHistory.error} />}

      {data && (
        <div className="grid gap-6 lg:grid-cols-2">
          <ReadsPanel rows={readsRows} />
          <EventLogPanel api={api} />
        </div>
      )}

      {data && <ProbePanel api={api} />}
    </div>
  );
}

type TrafficAnswer = ReturnType<typeof useTraffic>["data"];
type LagAnswer = ReturnType<typeof useLagHistory>["data"];

/** Reads and errors per second per node, the last TREND_POINTS seconds. */
function trafficTrendsOf(traffic: TrafficAnswer): Map<string, TrafficTrend> {
  return new Map(
    (traffic?.nodes ?? []).map(({ node, points }) => {
      const shown = points.slice(-TREND_POINTS);
      return [
        node,
        { readsPerSecond: shown.map((p) => p.readsPerSecond), errorsPerSecond: shown.map((p) => p.errorsPerSecond) },
      ];
    }),
  );
}

/** Each replica's lag in ms, the last TREND_POINTS samples. */
function lagTrendsOf(history: LagAnswer): Map<string, LagTrend> {
  return new Map(
    (history?.replicas ?? []).map(({ node, samples }) => [node, samples.slice(-TREND_POINTS).map((s) => s.lagMs)]),
  );
}
