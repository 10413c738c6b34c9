/**
 * Patroni's REST API, as this profile reads it: `GET /cluster` (every member's name, role, state,
 * host, port, timeline and lag, from any member) and `GET /patroni` (one member's own view).
 */
export interface PatroniMember {
  name: string;
  /** "leader", "replica", "sync_standby", "standby_leader". */
  role: string;
  /** "running", "streaming", "starting", "stopped", "creating replica", "crashed", … */
  state: string;
  host: string;
  port: number;
  api_url?: string;
  timeline?: number;
  /** Bytes behind the leader ("unknown" when Patroni cannot tell); the leader has none. */
  lag?: number | string;
}

export interface PatroniCluster {
  members: PatroniMember[];
}

const TIMEOUT_MS = 2_000;

/** GET /cluster from the first of `apiUrls` that answers; throws with every member's error if none does. */
export async function fetchCluster(apiUrls: string[]): Promise<PatroniCluster & { from: string }> {
  const errors: string[] = [];
  for (const base of apiUrls) {
    try {
      const response = await fetch(`${base}/cluster`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return { ...((await response.json()) as PatroniCluster), from: base };
    } catch (error) {
      errors.push(`${base}: ${(error as Error).message}`);
    }
  }
  throw new Error(`No Patroni member answered GET /cluster (${errors.join("; ")})`);
}

export function leaderOf(cluster: PatroniCluster): PatroniMember | undefined {
  return cluster.members.find((m) => m.role === "leader" && m.state === "running");
}

/** A replica that streams from the leader: Patroni 3.0.2 says "running", later versions "streaming". */
export function isStreamingReplica(member: PatroniMember): boolean {
  return (
    member.role !== "leader" &&
    (member.state === "running" || member.state === "streaming") &&
    typeof member.lag === "number"
  );
}
