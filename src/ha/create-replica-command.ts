/**
 * Patroni's replica-creation method (`create_replica_methods: [tandem_base_backup]`): Patroni runs
 *   tandem-create-replica --scope=… --role=replica --datadir=DIR --connstring=LEADER --profile=FILE
 * and expects DIR filled with a consistent copy of the leader; it writes standby.signal and
 * primary_conninfo itself. The copy is the cluster manager's low-level base backup (src/cluster/base-backup.ts),
 * made as the superuser over the cluster's private socket directory, so it works on one host only,
 * which is where this profile runs. `--profile` names the profile's state file, where the superuser's
 * password is: not on a command line, which every local user can read in `ps`.
 */
import { parseArgs } from "node:util";
import { baseBackup } from "~/cluster/base-backup";
import { queryOne } from "~/cluster/sql";
import { leaderPort } from "./leader-connstring";
import { readProfile, superuserSocketUrl } from "./profile-state";

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: false,
    options: {
      datadir: { type: "string" },
      connstring: { type: "string" },
      profile: { type: "string" },
      scope: { type: "string" },
    },
  });
  const { datadir, connstring, profile } = values;
  if (typeof datadir !== "string" || typeof connstring !== "string" || typeof profile !== "string") {
    throw new Error("usage: tandem-create-replica --datadir=DIR --connstring=CONNINFO --profile=FILE");
  }
  const url = superuserSocketUrl(readProfile(profile), leaderPort(connstring));
  const { dir } = await queryOne<{ dir: string }>(url, "SELECT current_setting('data_directory') AS dir");
  await baseBackup(url, dir, datadir, `patroni replica ${new Date().toISOString()}`);
}

main().catch((error: unknown) => {
  console.error(`tandem-create-replica: ${(error as Error).message}`);
  process.exitCode = 1;
});
