/**
 * Waiting until replicas stream from the primary. "Streaming" in pg_stat_replication is not enough on
 * its own: a replica that diverged reconnects, streams the old timeline up to the fork point, is cut
 * off, and starts over, so it shows as streaming now and then forever. A replica counts once it
 * streams and replays the primary's own timeline; one that diverged is reported, not waited for.
 */
import { adminUrl, findNode } from "./context";
import { type Divergence, describeDivergence } from "./divergence";
import { withClient } from "./sql";
import { type ClusterState, primaryOf, replicasOf } from "./state";
import { assessReplica, primaryHistory } from "./timeline-probe";
import { waitFor } from "./wait-for";

export type DivergedVerdict = Extract<Divergence, { kind: "diverged" }>;

/**
 * Resolves once each named replica either streams on the primary's timeline or has diverged (it never
 * will): the diverged ones are returned, for the caller to rebuild.
 */
export async function waitUntilSettled(state: ClusterState, names = replicasOf(state).map((r) => r.name), timeoutMs = 60_000): Promise<Map<string, DivergedVerdict>> {
  const diverged = new Map<string, DivergedVerdict>();
  const pending = new Set(names);
  const last = new Map<string, Divergence>();
  const primary = primaryOf(state);
  const probe = async () => {
    const history = await primaryHistory(state);
    const streaming = await streamingNames(state);
    for (const name of pending) {
      const verdict = await assessReplica(state, history, findNode(state, name));
      last.set(name, verdict);
      if (verdict.kind === "diverged") diverged.set(name, verdict);
      const onTimeline = verdict.kind === "follows" && verdict.replicaTimeline === history.timeline && streaming.has(name);
      if (verdict.kind === "diverged" || onTimeline) pending.delete(name);
    }
    return pending.size === 0 ? true : undefined;
  };
  try {
    await waitFor(`${[...pending].join(", ")} to stream from ${primary.name} (see the logs under the data root if this persists)`, probe, { timeoutMs, intervalMs: 200 });
  } catch (error) {
    const where = [...pending].map((name) => `\n  ${name}: ${last.has(name) ? describeDivergence(last.get(name) as Divergence) : "not assessed"}`).join("");
    throw new Error(`${(error as Error).message}${where}`);
  }
  return diverged;
}

/** Waits until the named replicas stream on the primary's timeline; one that diverged is an error. */
export async function waitUntilStreaming(state: ClusterState, names = replicasOf(state).map((r) => r.name), timeoutMs = 60_000): Promise<void> {
  const diverged = await waitUntilSettled(state, names, timeoutMs);
  if (diverged.size > 0) {
    throw new Error([...diverged].map(([name, verdict]) => `${name}: ${describeDivergence(verdict)}`).join("\n"));
  }
}

async function streamingNames(state: ClusterState): Promise<Set<string>> {
  return withClient(adminUrl(state, primaryOf(state)), async (client) => {
    const { rows } = await client.query<{ application_name: string }>("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
    return new Set(rows.map((r) => r.application_name));
  });
}
