/**
 * Where the data layer learns which nodes exist. A source only answers "which nodes, at which URLs" (and
 * what it believes each one is); the monitor's probes still decide who takes writes and who serves reads,
 * so a source that is out of date can delay a change but never route a write to the wrong node.
 */
import type { TopologyKind } from "~/config/database";

export type { TopologyKind } from "~/config/database";

export interface DiscoveredNode {
  /** Stable identity across polls: Patroni member name, embedded node name, "host:port" for DNS. */
  name: string;
  /** Full connection URL (credentials from the template where the source gives only host and port). */
  url: string;
  /** What the source believes; undefined when it cannot tell (DNS). */
  role?: "primary" | "replica";
}

export interface TopologySource {
  /** What the status view and logs show, e.g. "patroni (3 members)". */
  readonly description: string;
  /** Which kind of source: the label metrics and the admin view carry. */
  readonly kind: TopologyKind;
  /** The nodes now. Throws when it cannot answer: the caller keeps the last list. */
  discover(signal: AbortSignal): Promise<DiscoveredNode[]>;
}
