/**
 * Installs the functions the app's replica monitor calls (sql/tandem-monitor.sql) in the app's database,
 * as the superuser, and lets the app's role run them: timelines and timeline history without giving the
 * app pg_monitor or pg_read_file. Idempotent; run on every `db:up`, so older clusters get them too.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ClusterState, primaryOf } from "../replication/state";
import { adminUrl } from "./context";
import { withClient } from "./sql";

export const MONITOR_FUNCTIONS_SQL = fileURLToPath(new URL("../../sql/tandem-monitor.sql", import.meta.url));

export async function installMonitorFunctions(state: ClusterState): Promise<void> {
  const sql = readFileSync(MONITOR_FUNCTIONS_SQL, "utf8");
  await withClient(adminUrl(state, primaryOf(state), state.database), async (client) => {
    await client.query(sql); // one simple-protocol script: the $$ bodies stay whole
    await client.query(`GRANT USAGE ON SCHEMA tandem_monitor TO ${state.app.user}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tandem_monitor TO ${state.app.user}`);
  });
}
