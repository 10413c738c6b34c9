"use client";

import { memo, type ReactNode, useId } from "react";
import { FormError } from "~/components/form-error";
import { Badge } from "~/components/ui/badge";
import { Card } from "~/components/ui/card";
import { formatBytes, formatDuration, formatRate } from "~/format/units";
import type { NodeView } from "./admin-api";
import { NodeActions } from "./node-actions";
import { conditionOf } from "./node-condition";
import { healthWords } from "./node-health";
import { Sparkline } from "./sparkline";
import { TONE_COLOR } from "./tone-colors";

/** Lag in ms per second over the last minutes (replicas), from the lag history. */
export type LagTrend = (number | null)[];

/** Reads and errors per second over the last minute, from the traffic poll. */
export interface TrafficTrend {
  readsPerSecond: number[];
  errorsPerSecond: number[];
}

const NO_TRAFFIC: TrafficTrend = { readsPerSecond: [], errorsPerSecond: [] };

interface NodeCardProps {
  node: NodeView;
  /** Apart, because each comes from its own poll: an answer to one re-renders the card only for what it changed. */
  lagTrend: LagTrend | undefined;
  trafficTrend: TrafficTrend | undefined;
  /** Pause, resume and promote act on the embedded cluster only. */
  canControl: boolean;
  pending: boolean;
  actionError: string | null;
  onPause: (node: string) => void;
  onResume: (node: string) => void;
  onPromote: (node: string) => Promise<unknown>;
  onPromoted: () => void;
}

const seconds = (s: number | null | undefined) => formatDuration(s === null || s === undefined ? null : s * 1000);

/**
 * One node at a glance: its state, the headline figures with their trends, the levers; every raw field behind a disclosure.
 * Memoised: the page polls every second, and a card whose props are unchanged keeps its last render.
 */
export const NodeCard = memo(function NodeCard({
  node,
  lagTrend = [],
  trafficTrend = NO_TRAFFIC,
  canControl,
  pending,
  actionError,
  onPause,
  onResume,
  onPromote,
  onPromoted,
}: NodeCardProps) {
  const id = useId();
  const condition = conditionOf(node);
  const { stream } = node;
  const isReplica = node.role === "replica";
  const paused = node.replayPaused === true;
  const readsNow = trafficTrend.readsPerSecond.at(-1);
  const errorsNow = trafficTrend.errorsPerSecond.at(-1);

  return (
    <Card
      className="grid content-start gap-4 p-5"
      aria-labelledby={`${id}-name`}
      aria-describedby={`${id}-explanation`}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id={`${id}-name`} className="text-lg font-semibold">
            {node.name}
          </h2>
          <Badge tone={condition.tone} data-testid="condition">
            {condition.label}
          </Badge>
        </div>
        {isReplica && node.reachable && canControl && (
          <NodeActions
            name={node.name}
            paused={paused}
            pending={pending}
            onPause={() => onPause(node.name)}
            onResume={() => onResume(node.name)}
            onPromote={() => onPromote(node.name)}
            onPromoted={onPromoted}
          />
        )}
      </div>
      <p id={`${id}-explanation`} className="text-sm text-muted-foreground">
        {condition.explanation}
      </p>
      {node.failure && <p className="text-sm text-danger">{node.failure}</p>}

      <dl className="grid grid-cols-3 gap-3">
        <Figure
          term="Lag"
          testId="lag"
          value={
            isReplica ? (
              <>
                {seconds(node.lagSeconds)}
                <span className="sr-only"> · </span>
                <span className="block text-sm font-normal text-muted-foreground">{formatBytes(node.lagBytes)}</span>
              </>
            ) : (
              "—"
            )
          }
          trend={isReplica ? lagTrend : undefined}
          color={TONE_COLOR[condition.tone]}
        />
        <Figure
          term="Reads/s"
          value={formatRate(readsNow)}
          trend={trafficTrend.readsPerSecond}
          color="var(--replica)"
        />
        <Figure
          term="Errors/s"
          value={formatRate(errorsNow)}
          trend={trafficTrend.errorsPerSecond}
          color="var(--danger)"
        />
      </dl>

      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-muted-foreground">Role</dt>
        <dd>{node.role}</dd>
        <dt className="text-muted-foreground">Health</dt>
        <dd>{healthWords(node)}</dd>
      </dl>

      {actionError && <FormError>{actionError}</FormError>}

      <details className="group text-sm">
        <summary className="cursor-pointer font-semibold text-primary">All fields</summary>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 [&_dd]:break-words [&_dd]:min-w-0 [&_dt]:text-muted-foreground">
          <dt>Endpoint</dt>
          <dd className="font-mono text-xs leading-5">{node.endpoint}</dd>
          {node.error && (
            <>
              <dt>Raw error</dt>
              <dd className="font-mono text-xs leading-5">{node.error}</dd>
            </>
          )}
          <dt>Timeline</dt>
          <dd>{node.timeline ?? "—"}</dd>
          {isReplica && (
            <>
              <dt>State</dt>
              <dd>{stream?.state ?? "not connected to the writer"}</dd>
              <dt>Sync state</dt>
              <dd>{stream?.syncState ?? "—"}</dd>
              <dt>Replay lag (server)</dt>
              <dd>{seconds(stream?.replayLagSeconds)}</dd>
              <dt>Replay paused</dt>
              <dd>{node.replayPaused === null ? "—" : paused ? "yes" : "no"}</dd>
              <dt>WAL receiver</dt>
              <dd>{node.walReceiver ? node.walReceiver.status : "none"}</dd>
              <dt>Slot</dt>
              <dd>
                {node.slot
                  ? `${node.slot.name} (${node.slot.active ? "active" : "inactive"}${node.slot.walStatus ? `, ${node.slot.walStatus}` : ""})`
                  : "none"}
              </dd>
            </>
          )}
          {node.lsn && (
            <>
              <dt>{isReplica ? "Replayed to" : "WAL position"}</dt>
              <dd className="font-mono text-xs leading-5">{node.lsn}</dd>
            </>
          )}
          {/* Counted per node since the server started, whatever its role was then: the writer serves
              reads only when no replica can, and "retried" counts reads that failed on this node. */}
          <dt>Reads served</dt>
          <dd>{node.readsServed}</dd>
          <dt>Retried on the primary</dt>
          <dd>{node.fallbacks}</dd>
          <dt>Errors</dt>
          <dd>{node.errors}</dd>
        </dl>
      </details>
    </Card>
  );
});

function Figure({
  term,
  value,
  trend,
  color,
  testId,
}: {
  term: string;
  value: ReactNode;
  trend?: (number | null)[];
  color: string;
  testId?: string;
}) {
  return (
    <div className="grid min-w-0 gap-1">
      <dt className="text-xs font-semibold uppercase tracking-wide text-muted-foreground">{term}</dt>
      <dd className="grid gap-1">
        <span className="text-lg font-semibold tabular-nums leading-tight" data-testid={testId}>
          {value}
        </span>
        {trend && trend.length > 1 && <Sparkline values={trend} color={color} />}
      </dd>
    </div>
  );
}
