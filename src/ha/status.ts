/** `ha:status`: Patroni's view of the cluster (GET /cluster), one row per member. */
import { formatTable } from "~/cluster/table";
import { fetchCluster } from "./patroni-api";
import { apiUrl, type HaProfile } from "./profile-state";

export async function statusRows(profile: HaProfile): Promise<{ rows: string[][]; from: string }> {
  const cluster = await fetchCluster(profile.members.map((m) => apiUrl(profile, m)));
  const rows = cluster.members.map((m) => [
    m.name,
    m.role,
    m.state,
    `${m.host}:${m.port}`,
    m.timeline === undefined ? "-" : String(m.timeline),
    m.lag === undefined ? "-" : `${m.lag}${typeof m.lag === "number" ? " B" : ""}`,
    m.api_url ?? "-",
  ]);
  // Members recorded in the profile that Patroni no longer lists: their key expired (Patroni is down).
  for (const m of profile.members.filter((p) => !cluster.members.some((c) => c.name === p.name)))
    rows.push([m.name, "-", "NOT IN CLUSTER", `${profile.host}:${m.pgPort}`, "-", "-", apiUrl(profile, m)]);
  return { rows, from: cluster.from };
}

export function formatStatus(rows: string[][]): string {
  return formatTable(["member", "role", "state", "postgres", "timeline", "lag", "patroni api"], rows);
}
