/**
 * A throwaway Patroni cluster for tests (the HA profile, src/ha): etcd and Patroni members on free ports
 * under the test run's temp directory, migrated on the leader, removed by `stop()` — and by the global
 * teardown's sweep if a test died before calling it. Needs Debian's `patroni` and `etcd-server`;
 * `patroniMissing` says why a test must skip when they are not installed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { waitFor } from "../../src/cluster/wait-for";
import { appEnvironment } from "../../src/ha/app-env";
import { ETCD_BINARY } from "../../src/ha/etcd-process";
import { PATRONI_BINARY, patroniPid } from "../../src/ha/member-process";
import { migrateLeader } from "../../src/ha/migrate";
import { fetchCluster, leaderOf, type PatroniCluster, type PatroniMember } from "../../src/ha/patroni-api";
import { addMember, haClean, haUp, waitUntilHealthy } from "../../src/ha/profile";
import {
  apiUrl,
  type HaMember,
  type HaProfile,
  memberNamed,
  ownerUrl,
  readProfile,
  superuserSocketUrl,
} from "../../src/ha/profile-state";
import type { PatroniTimings } from "../../src/ha/timings";
import { testRunDir } from "./cluster";
import { postmasterOf } from "./postmaster";

/** Why the Patroni tests cannot run here, or undefined when they can. */
export const patroniMissing: string | undefined = (() => {
  const missing = [PATRONI_BINARY, ETCD_BINARY].filter(
    (binary) => spawnSync(binary, ["--version"], { stdio: "ignore" }).status !== 0,
  );
  return missing.length === 0
    ? undefined
    : `${missing.join(" and ")} not installed (Debian: apt-get install patroni etcd-server; .ci/run installs them)`;
})();

export interface TestPatroni {
  root: string;
  profile(): HaProfile;
  apiUrls(): string[];
  /** DATABASE_TOPOLOGY, PATRONI_URLS, DATABASE_URL (the credentials template) for the app. */
  appEnv(): Promise<Record<string, string>>;
  cluster(): Promise<PatroniCluster>;
  leader(): Promise<PatroniMember>;
  member(name: string): HaMember;
  /** The member's postmaster pid (from postmaster.pid), and its Patroni's. */
  postmasterPid(name: string): number;
  patroniPid(name: string): number | undefined;
  superuserUrl(port: number, database?: string): string;
  /** A new member, started; resolves once Patroni lists it streaming. */
  addMember(): Promise<HaMember>;
  stop(): Promise<void>;
}

const PREFIX = "patroni-";

export async function startTestPatroni(
  options: { members?: number; timings?: PatroniTimings } = {},
): Promise<TestPatroni> {
  const parent = testRunDir();
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o755);
  const dir = mkdtempSync(path.join(parent, PREFIX));
  chmodSync(dir, 0o755); // the servers' OS user must traverse it
  const root = path.join(dir, "ha");
  const stop = async () => {
    await haClean({ root });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { profile, leader } = await haUp({ root, members: options.members, timings: options.timings });
    await migrateLeader(profile, leader.port);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  const profile = () => readProfile(root);
  const apiUrls = () => profile().members.map((m) => apiUrl(profile(), m));
  const cluster = () => fetchCluster(apiUrls());
  const leader = () =>
    waitFor("a running Patroni leader", async () => leaderOf(await cluster()), { timeoutMs: 60_000, intervalMs: 100 });
  return {
    root,
    profile,
    apiUrls,
    appEnv: async () => appEnvironment(profile(), (await leader()).port),
    cluster,
    leader,
    member: (name) => memberNamed(profile(), name),
    postmasterPid: (name) => postmasterOf(memberNamed(profile(), name).dataDir),
    patroniPid: (name) => patroniPid(memberNamed(profile(), name)),
    superuserUrl: (port, database) => superuserSocketUrl(profile(), port, database),
    addMember: async () => {
      const member = await addMember({ root });
      await waitUntilHealthy(profile(), profile().members.length);
      return member;
    },
    stop,
  };
}

/** The owner role on the leader (test DDL, migrations). */
export function leaderOwnerUrl(profile: HaProfile, leader: PatroniMember): string {
  return ownerUrl(profile, leader.port);
}

/** Stops and deletes every Patroni cluster left under the run directory (a test that died before `stop`). */
export async function sweepTestPatroni(): Promise<void> {
  const parent = testRunDir();
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent).filter((e) => e.startsWith(PREFIX))) {
    await haClean({ root: path.join(parent, entry, "ha") }).catch((error: Error) =>
      console.error(`sweep: ${error.message}`),
    );
    rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}
