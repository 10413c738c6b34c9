/**
 * Waiting until replicas stream from the primary. "Streaming" in pg_stat_replication is not enough on
 * its own: a replica that diverged reconnects, streams the old timeline up to the fork point, is cut
 * off, and starts over, so it shows as streaming now and then forever. A replica counts once it
 * streams and replays the primary's own timeline; one that diverged is reported, not waited for.
 */
import type pg from "pg";
import { type ClusterState, primaryOf, replicasOf } from "../replication/state";
import { adminUrl, findNode } from "./context";
import { type Divergence, describeDivergence } from "./divergence";
import type { Progress } from "./progress";
import { withClient } from "./sql";
import { assessReplica, readHistory } from "./timeline-probe";
import { waitFor } from "./wait-for";

export type DivergedVerdict = Extract<Divergence, { kind: "diverged" }>;

export interface SettleOptions {
  /** The replicas to wait for (default: all). */
  names?: string[];
  timeoutMs?: number;
  progress?: Progress;
}

/**
 * Resolves once each named replica either streams on the primary's timeline or has diverged (it never
 * will): the diverged ones are returned, for the caller to rebuild.
 */
export async function waitUntilSettled(
  state: ClusterState,
  { names = replicasOf(state).map((r) => r.name), timeoutMs = 60_000, progress }: SettleOptions = {},
): Promise<Map<string, DivergedVerdict>> {
  const diverged = new Map<string, DivergedVerdict>();
  const pending = new Set(names);
  const last = new Map<string, Divergence>();
  const primary = primaryOf(state);
  const probe = async () => {
    const { history, streaming } = await withClient(adminUrl(state, primary), async (client) => ({
      history: await readHistory(client),
      streaming: await streamingNames(client),
    }));
    for (const name of pending) {
      const verdict = await assessReplica(state, history, findNode(state, name));
      last.set(name, verdict);
      if (verdict.kind === "diverged") diverged.set(name, verdict);
      const onTimeline =
        verdict.kind === "follows" && verdict.replicaTimeline === history.timeline && streaming.has(name);
      // Diverged, or writable (out of recovery), is final: waiting cannot change it.
      if (verdict.kind === "diverged" || onTimeline || (verdict.kind === "unknown" && verdict.cause === "writable"))
        pending.delete(name);
    }
    return pending.size === 0 ? true : undefined;
  };
  const explain = (names: Iterable<string>) =>
    [...names]
      .map(
        (name) => `\n  ${name}: ${last.has(name) ? describeDivergence(last.get(name) as Divergence) : "not assessed"}`,
      )
      .join("");
  try {
    await waitFor(
      `${[...pending].join(", ")} to stream from ${primary.name} (see the logs under the data root if this persists)`,
      probe,
      { timeoutMs, intervalMs: 200, progress },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}${explain(pending)}`);
  }
  const writable = names.filter((name) => {
    const verdict = last.get(name);
    return verdict?.kind === "unknown" && verdict.cause === "writable";
  });
  if (writable.length > 0)
    throw new Error(
      `${writable.join(", ")} cannot follow ${primary.name} and is left as it is (never rebuilt: it may hold writes):${explain(writable)}`,
    );
  return diverged;
}

/** Waits until the named replicas stream on the primary's timeline; one that diverged is an error. */
export async function waitUntilStreaming(state: ClusterState, options: SettleOptions = {}): Promise<void> {
  const diverged = await waitUntilSettled(state, options);
  if (diverged.size > 0) {
    throw new Error([...diverged].map(([name, verdict]) => `${name}: ${describeDivergence(verdict)}`).join("\n"));
  }
}

async function streamingNames(primary: pg.Client): Promise<Set<string>> {
  const { rows } = await primary.query<{ application_name: string }>(
    "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'",
  );
  return new Set(rows.map((r) => r.application_name));
}
