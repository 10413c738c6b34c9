"use client";

import { useId, useRef, useState } from "react";
import { errorMessage } from "~/components/api-error";
import type { NodeView } from "./admin-api";
import { formatBytes, formatDuration } from "~/format/units";
import { conditionOf } from "./node-condition";

interface NodeCardProps {
  node: NodeView;
  /** Pause, resume and promote act on the embedded cluster only. */
  canControl: boolean;
  pending: boolean;
  actionError: string | null;
  onPause: () => void;
  onResume: () => void;
  onPromote: () => Promise<unknown>;
  /** After a promote succeeded and its dialog closed (the button is gone: this node is now the writer). */
  onPromoted: () => void;
}

export function NodeCard({ node, canControl, pending, actionError, onPause, onResume, onPromote, onPromoted }: NodeCardProps) {
  const id = useId();
  const condition = conditionOf(node);
  const { routing, stream } = node;
  const isReplica = node.role === "replica";
  const paused = node.replayPaused === true;

  return (
    <section className={`card admin-node tone-${condition.tone}`} aria-labelledby={`${id}-name`} aria-describedby={`${id}-explanation`}>
      <div className="card-head">
        <h2 id={`${id}-name`}>{node.name}</h2>
        <span className={`state-badge tone-${condition.tone}`} data-testid="condition">
          {condition.label}
        </span>
      </div>
      <p id={`${id}-explanation`} className="muted admin-explanation">
        {condition.explanation}
      </p>
      <dl className="admin-facts">
        <dt>Role</dt>
        <dd>{node.role}</dd>
        <dt>Endpoint</dt>
        <dd className="endpoint-value">{node.endpoint}</dd>
        <dt>Health</dt>
        <dd>{!node.reachable ? "unreachable" : routing.routable ? "routable" : `not routable: ${routing.detail}`}</dd>
        {node.error && (
          <>
            <dt>Error</dt>
            <dd>{node.error}</dd>
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
            <dt>Lag</dt>
            <dd data-testid="lag">
              {formatBytes(node.lagBytes)} · {formatDuration(node.lagSeconds === null ? null : node.lagSeconds * 1000)}
            </dd>
            <dt>Replay lag (server)</dt>
            <dd>{formatDuration(stream?.replayLagSeconds == null ? null : stream.replayLagSeconds * 1000)}</dd>
            <dt>Replay paused</dt>
            <dd>{node.replayPaused === null ? "—" : paused ? "yes" : "no"}</dd>
            <dt>WAL receiver</dt>
            <dd>{node.walReceiver ? node.walReceiver.status : "none"}</dd>
            <dt>Slot</dt>
            <dd>{node.slot ? `${node.slot.name} (${node.slot.active ? "active" : "inactive"}${node.slot.walStatus ? `, ${node.slot.walStatus}` : ""})` : "none"}</dd>
          </>
        )}
        {node.lsn && (
          <>
            <dt>{isReplica ? "Replayed to" : "WAL position"}</dt>
            <dd>{node.lsn}</dd>
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
      {isReplica && node.reachable && canControl && (
        <div className="actions">
          {/* One button that turns from Pause into Resume, and aria-disabled rather than disabled while the
              request runs: a disabled button drops the keyboard focus, an element that is swapped loses it. */}
          <button type="button" className="button" aria-disabled={pending || undefined} onClick={pending ? undefined : paused ? onResume : onPause}>
            {pending ? (paused ? "Resuming…" : "Pausing…") : `${paused ? "Resume" : "Pause"} replay on ${node.name}`}
          </button>
          <PromoteButton name={node.name} onPromote={onPromote} onPromoted={onPromoted} />
        </div>
      )}
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}
    </section>
  );
}

/**
 * Promotion cannot be undone from here: a modal dialog asks first, with Cancel focused. Offered on the
 * embedded cluster only, whose cluster manager also fences the old primary and re-points the replicas
 * (src/cluster/promote.ts), as the dialog says.
 */
function PromoteButton({ name, onPromote, onPromoted }: { name: string; onPromote: () => Promise<unknown>; onPromoted: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await onPromote();
      // By now the status is refreshed and this card may have dropped the button and its dialog (focus on
      // <body>); if not, closing gives the focus back to the button. Either way onPromoted moves it on.
      dialogRef.current?.close();
      onPromoted();
    } catch (failure) {
      setError(`${name} could not be promoted: ${errorMessage(failure)}`);
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className="button danger" onClick={() => dialogRef.current?.showModal()}>
        Promote {name}…
      </button>
      <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} onClose={() => setError(null)}>
        <h2 id={`${id}-title`}>Promote {name}?</h2>
        <p id={`${id}-text`}>
          {name} stops replaying and becomes the writable primary, on a new timeline, and writes follow it. The current primary is stopped and
          fenced (never started again), and the other replicas are re-pointed to replicate from {name}. This cannot be undone from this page.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()} autoFocus>
            Cancel
          </button>
          <button type="button" className="button danger" disabled={pending} onClick={confirm}>
            {pending ? "Promoting…" : `Promote ${name}`}
          </button>
        </div>
      </dialog>
    </>
  );
}
