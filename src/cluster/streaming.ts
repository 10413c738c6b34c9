/** Waiting until replicas stream from the primary, as pg_stat_replication on the primary reports it. */
import { adminUrl } from "./context";
import { withClient } from "./sql";
import { type ClusterState, primaryOf, replicasOf } from "../replication/state";
import { waitFor } from "./wait-for";

export async function waitUntilStreaming(state: ClusterState, names = replicasOf(state).map((r) => r.name), timeoutMs = 60_000): Promise<void> {
  if (names.length === 0) return;
  const primary = primaryOf(state);
  await waitFor(
    `${names.join(", ")} to stream from ${primary.name} (see the logs under the data root if this persists)`,
    () =>
      withClient(adminUrl(state, primary), async (client) => {
        const { rows } = await client.query<{ application_name: string }>(
          "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'",
        );
        const streaming = new Set(rows.map((r) => r.application_name));
        return names.every((name) => streaming.has(name)) ? true : undefined;
      }),
    { timeoutMs },
  );
}
