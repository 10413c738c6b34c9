/**
 * One vocabulary, end to end (monitor, data layer, API, admin page, metrics, logs), for what a node is
 * now and whether reads may go to it. Routing decisions are made on these values, never on sentences:
 * the `detail` of an exclusion is for people, the `kind` is for code.
 */

/**
 * What a node is now, whatever it was configured as:
 * - `primary`: writable, on the newest timeline seen (writes go here, unless two nodes claim it);
 * - `replica`: in recovery, streaming or waiting for WAL;
 * - `stale-primary`: writable but on an older timeline than another writable node: a former primary that
 *   kept running after a failover; it gets neither writes nor reads;
 * - `unknown`: never answered a probe (or not since it was configured).
 */
export type NodeRole = "primary" | "replica" | "stale-primary" | "unknown";

/** Where a node started, from configuration. After a failover it may differ from its `NodeRole`. */
export type ConfiguredRole = "primary" | "replica";

/** Why a node may not serve reads now. */
export type ExclusionKind =
  /** The last probe (or a read) could not reach it. */
  | "unreachable"
  /** No probe has answered yet. */
  | "not-probed"
  /** It is the writer: it serves reads only when no replica can (or when a read asks for it). */
  | "primary"
  /** Writable on an older timeline than the writer: it missed the failover. */
  | "stale-primary"
  /** Writable on the same timeline as another writable node: nobody can tell which holds the truth. */
  | "conflicting-primary"
  /** Over REPLICA_MAX_LAG_MS or REPLICA_MAX_LAG_BYTES (replay paused or not). */
  | "lagging"
  /** Replayed past the point where the writer's timeline forked off its own: it holds rows that no longer exist. */
  | "diverged"
  /** On an older timeline than the writer and not (yet) shown to be on the writer's history. */
  | "timeline-behind"
  /** A read on it was slow enough to be hedged; it is out until a probe started after that answers. */
  | "suspect";

export interface Exclusion {
  kind: ExclusionKind;
  /** A sentence for operators, e.g. "lagging 2.3 s (limit 2.0 s)". */
  detail: string;
}

/** Whether reads may go to a node, and if not, why. */
export type Routing = { routable: true } | ({ routable: false } & Exclusion);

export const ROUTABLE: Routing = { routable: true };

export function excluded(kind: ExclusionKind, detail: string): Routing {
  return { routable: false, kind, detail };
}
