/**
 * The HA profile's command line, behind the npm scripts:
 *   ha:up [--members N]   etcd + N Patroni members (default 3) on free loopback ports, PostgreSQL 16 from
 *                         the embedded binaries; migrations on the leader; prints the app's environment
 *   ha:down | ha:clean    stop (keep data) | stop and delete the profile
 *   ha:status [--json]    members, roles, states, timelines and lag, from Patroni's REST API
 *   ha:env                the app's environment (DATABASE_TOPOLOGY=patroni, PATRONI_URLS, DATABASE_URL)
 *   ha:verify [--json]    db:verify's checks on the members Patroni lists (the leader as the primary)
 * Environment: TANDEM_HA_DIR (default .tandem-ha/).
 */
import { parseArgs } from "node:util";
import { formatTable } from "~/cluster/table";
import { topologyOfUrls } from "~/cluster/topology";
import { verify } from "~/cluster/verify";
import { appEnvironment } from "./app-env";
import { migrateLeader } from "./migrate";
import { fetchCluster, leaderOf } from "./patroni-api";
import { haClean, haDown, haUp } from "./profile";
import { apiUrl, appUrl, defaultHaRoot, readProfile } from "./profile-state";
import { formatStatus, statusRows } from "./status";

const log = (line: string) => console.error(`[ha] ${line}`);

const printEnv = (env: Record<string, string>) => {
  for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
};

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async up(args) {
    const { values } = parseArgs({ args, options: { members: { type: "string" } } });
    const { profile, leader } = await haUp({
      log,
      members: values.members === undefined ? undefined : Number(values.members),
    });
    log(`prisma migrate deploy on the leader (${leader.name})`);
    await migrateLeader(profile, leader.port);
    console.error(
      `\n${formatStatus((await statusRows(profile)).rows)}\n\nThe app's environment (npm run -s ha:env prints it again):`,
    );
    printEnv(appEnvironment(profile, leader.port));
  },
  async down() {
    await haDown({ log });
  },
  async clean() {
    await haClean({ log });
  },
  async status(args) {
    const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } } });
    const profile = readProfile(defaultHaRoot());
    if (values.json)
      console.log(JSON.stringify(await fetchCluster(profile.members.map((m) => apiUrl(profile, m))), null, 2));
    else {
      const { rows, from } = await statusRows(profile);
      console.log(`${formatStatus(rows)}\n\n(from ${from}/cluster)`);
    }
  },
  async env() {
    const profile = readProfile(defaultHaRoot());
    printEnv(appEnvironment(profile, (await currentLeader(profile)).port));
  },
  async verify(args) {
    const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } } });
    const profile = readProfile(defaultHaRoot());
    const cluster = await fetchCluster(profile.members.map((m) => apiUrl(profile, m)));
    const leader = await currentLeader(profile);
    const replicas = cluster.members.filter((m) => m.name !== leader.name);
    const topology = topologyOfUrls([
      { name: leader.name, role: "primary", url: appUrl(profile, leader.port) },
      ...replicas.map((m) => ({ name: m.name, role: "replica" as const, url: appUrl(profile, m.port) })),
    ]);
    const results = await verify(topology);
    const failed = results.filter((r) => r.outcome === "fail").length;
    if (values.json) console.log(JSON.stringify(results, null, 2));
    else
      console.log(
        `${formatTable(
          ["#", "check", "node", "result", "detail"],
          results.map((r) => [String(r.id), r.check, r.node, r.outcome.toUpperCase(), r.detail]),
        )}\n\n${failed === 0 ? "All checks passed." : `${failed} check(s) failed.`}`,
      );
    process.exitCode = failed === 0 ? 0 : 1;
  },
};

async function currentLeader(profile: ReturnType<typeof readProfile>) {
  const leader = leaderOf(await fetchCluster(profile.members.map((m) => apiUrl(profile, m))));
  if (!leader) throw new Error("The Patroni cluster has no running leader right now; see npm run ha:status.");
  return leader;
}

const [command, ...args] = process.argv.slice(2);
const run = command ? commands[command] : undefined;
if (!run) {
  console.error(
    "Usage: npm run ha:up [-- --members N] | ha:down | ha:clean | ha:status [-- --json] | ha:env | ha:verify [-- --json]",
  );
  process.exit(2);
}
try {
  await run(args);
} catch (error) {
  console.error(`\nerror: ${(error as Error).message}`);
  process.exitCode = 1;
}
