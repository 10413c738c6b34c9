"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { errorCode, errorMessage, retryUnlessClientError } from "~/components/api-error";
import { useAdminApi } from "./admin-api";
import { LagPanel } from "./lag-panel";
import { NodeCard } from "./node-card";
import { ProbePanel } from "./probe-panel";

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Replication status, refreshed every second, with the per-node levers and the probe. */
export function AdminDashboard({ token, onSignOut, focusOnMount }: { token: string; onSignOut: (reason: string | null) => void; focusOnMount: boolean }) {
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

  const unauthorized = errorCode(status.error) === "UNAUTHORIZED";
  useEffect(() => {
    if (unauthorized) onSignOut("The server no longer accepts this admin token. Sign in again.");
  }, [unauthorized, onSignOut]);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: api.replication.status.queryKey() });
  const pause = useMutation(api.replication.pauseReplay.mutationOptions({ onSettled: invalidate }));
  const resume = useMutation(api.replication.resumeReplay.mutationOptions({ onSettled: invalidate }));
  const promote = useMutation(api.replication.promote.mutationOptions({ onSettled: invalidate }));

  const data = status.data;
  return (
    <>
      <div className="admin-toolbar">
        <p className="muted" aria-live="off" tabIndex={-1} ref={statusLine} data-testid="status-line">
          {data ? (
            <>
              Writes go to <strong>{data.writer ?? "no node (no writable primary is reachable)"}</strong>. Updated{" "}
              <time dateTime={new Date(status.dataUpdatedAt).toISOString()}>{timeFormat.format(status.dataUpdatedAt)}</time>, refreshing every second
              {data.cluster === "embedded" ? "." : "; pause, resume and promote need the embedded cluster."}
            </>
          ) : (
            "Loading replication status…"
          )}
        </p>
        <button type="button" className="button subtle" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </div>

      {status.isError && !unauthorized && (
        <p className="form-error" role="alert">
          {data ? "The status could not be refreshed; showing the last answer. " : "The replication status could not be loaded. "}
          {errorMessage(status.error)}
        </p>
      )}

      {data?.allReplicasOut && (
        <p className="admin-banner" role="alert">
          <strong>All replicas are out.</strong> No replica may serve reads, so every read goes to the writer
          {data.writer ? ` (${data.writer})` : ""}.
        </p>
      )}

      {data && (
        <ul className="admin-nodes" aria-label="Nodes">
          {data.nodes.map((node) => (
            <li key={node.name}>
              <NodeCard
                node={node}
                canControl={data.cluster === "embedded"}
                onPause={() => pause.mutate({ node: node.name })}
                onResume={() => resume.mutate({ node: node.name })}
                onPromote={() => promote.mutateAsync({ node: node.name })}
                onPromoted={() => statusLine.current?.focus()} // it now says "Writes go to <the promoted node>"
                pending={
                  (pause.isPending && pause.variables?.node === node.name) || (resume.isPending && resume.variables?.node === node.name)
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

      {data && <LagPanel token={token} />}

      {data && <ProbePanel api={api} />}
    </>
  );
}
