/**
 * Patroni's REST API: `GET /cluster` from the first member that answers (a member that is down, refuses
 * or times out passes the question to the next). Every member listed is a node, named as Patroni names
 * it, at the host and port Patroni advertises; the leader is the source's primary. A member whose key
 * expired (it died) is no longer listed, so it drains.
 */
import { z } from "zod";
import { urlForHost } from "./node-url";
import type { DiscoveredNode, TopologySource } from "./source";

const member = z.object({
  name: z.string().min(1),
  role: z.string(),
  state: z.string().optional(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535),
});
const clusterResponse = z.object({ members: z.array(z.unknown()) });

/** Patroni 3 says "leader" ("master" before 3.0); a standby cluster's leader is itself in recovery. */
const PRIMARY_ROLES = new Set(["leader", "master", "primary"]);

/** The nodes of a /cluster answer. Members without a host or port (not yet bootstrapped) are left out. */
export function parsePatroniCluster(body: unknown, template: string): DiscoveredNode[] {
  const parsed = clusterResponse.safeParse(body);
  if (!parsed.success) throw new Error("not a Patroni /cluster answer (no members list)");
  return parsed.data.members.flatMap((entry): DiscoveredNode[] => {
    const m = member.safeParse(entry);
    if (!m.success) return [];
    return [
      {
        name: m.data.name,
        url: urlForHost(template, m.data.host, m.data.port),
        role: PRIMARY_ROLES.has(m.data.role) ? "primary" : "replica",
      },
    ];
  });
}

export interface PatroniSourceSettings {
  /** How long one member may take to answer before the next is asked. */
  memberTimeoutMs: number;
}

export function patroniSource(apiUrls: string[], template: string, settings: PatroniSourceSettings): TopologySource {
  // The member that answered last is asked first next time: a member that is down costs one timeout, not one per poll.
  let first = 0;
  return {
    kind: "patroni",
    description: `patroni (${apiUrls.length} member API${apiUrls.length === 1 ? "" : "s"})`,
    discover: async (signal) => {
      const failures: string[] = [];
      for (let i = 0; i < apiUrls.length; i++) {
        const at = (first + i) % apiUrls.length;
        const api = apiUrls[at];
        if (signal.aborted) break;
        try {
          const response = await fetch(new URL("/cluster", api), {
            signal: AbortSignal.any([signal, AbortSignal.timeout(settings.memberTimeoutMs)]),
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const nodes = parsePatroniCluster(await response.json(), template);
          first = at;
          return nodes;
        } catch (error) {
          failures.push(`${api}: ${describeFetchError(error)}`);
        }
      }
      throw new Error(`no Patroni member answered /cluster (${failures.join("; ")})`);
    },
  };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ?? (error as Error)?.message ?? String(error);
}
