/**
 * The HA profile's state file (`<root>/ha.json`): ports, directories and credentials of etcd and the
 * Patroni members, written once by `ha:up` and read by everything else. Unlike the embedded cluster's
 * state it records no roles: who leads is Patroni's to decide and to say (GET /cluster).
 *
 * The file belongs to the servers' OS user, because the replica-creation command (run by Patroni as that
 * user) reads the superuser's password from it.
 */
import { chmodSync, chownSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { adminUrl } from "~/cluster/context";
import type { RunAs } from "~/cluster/os-user";
import type { ClusterState, Credentials } from "~/replication/state";
import { nodeUrl } from "~/replication/urls";
import type { PatroniTimings } from "./timings";

export interface HaMember {
  name: string;
  pgPort: number;
  /** Patroni's REST API. */
  apiPort: number;
  dataDir: string;
  /** Patroni's YAML, its log, its pid file, the member's TLS pair. */
  dir: string;
}

export interface HaProfile {
  version: 1;
  /** Patroni's cluster name (the key prefix in etcd). */
  scope: string;
  host: string;
  database: string;
  root: string;
  /** Where the servers' OS user keeps data (the root, unless that user cannot reach it). */
  nodesDir: string;
  binDir: string;
  socketDir: string;
  etcd: { clientPort: number; peerPort: number; dataDir: string };
  members: HaMember[];
  superuser: Credentials;
  app: Credentials;
  owner: Credentials;
  replicator: Credentials;
  tls: { rootCert: string };
  timings: PatroniTimings;
}

export const PROFILE_FILE = "ha.json";

export function defaultHaRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.TANDEM_HA_DIR ?? path.join(process.cwd(), ".tandem-ha"));
}

export function profilePath(root: string): string {
  return path.join(root, PROFILE_FILE);
}

export function readProfile(fileOrRoot: string): HaProfile {
  const file = fileOrRoot.endsWith(".json") ? fileOrRoot : profilePath(fileOrRoot);
  if (!existsSync(file))
    throw new Error(
      `No HA profile at ${file}.\n  Fix: run \`npm run ha:up\` (or set TANDEM_HA_DIR to where yours lives).`,
    );
  return JSON.parse(readFileSync(file, "utf8")) as HaProfile;
}

export function writeProfile(profile: HaProfile, runAs: RunAs): void {
  const file = profilePath(profile.root);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // holds passwords
  if (runAs.switchUser) chownSync(tmp, runAs.uid, runAs.gid);
  renameSync(tmp, file);
}

export function memberNamed(profile: HaProfile, name: string): HaMember {
  const member = profile.members.find((m) => m.name === name);
  if (!member) throw new Error(`No member '${name}'; the profile has ${profile.members.map((m) => m.name).join(", ")}`);
  return member;
}

/**
 * The profile seen as an embedded cluster whose primary is the member on `leaderPort`: the shape the
 * cluster manager's role provisioning, admin URLs and app URLs take, so those stay written once.
 */
export function asClusterState(profile: HaProfile, leaderPort: number): ClusterState {
  const leader = profile.members.find((m) => m.pgPort === leaderPort);
  return {
    version: 1,
    host: profile.host,
    database: profile.database,
    basePort: leaderPort,
    targetReplicas: profile.members.length - 1,
    superuser: profile.superuser,
    app: profile.app,
    owner: profile.owner,
    replicator: profile.replicator,
    socketDir: profile.socketDir,
    tls: profile.tls,
    nodes: [{ name: leader?.name ?? "leader", role: "primary", port: leaderPort, dataDir: leader?.dataDir ?? "" }],
  };
}

/** The superuser on a member, through the private socket directory (pg_hba refuses it over TCP). */
export function superuserSocketUrl(profile: HaProfile, port: number, database = "postgres"): string {
  const state = asClusterState(profile, port);
  return adminUrl(state, state.nodes[0], database);
}

/** A member as the app's role, over TLS. */
export function appUrl(profile: HaProfile, port: number): string {
  return nodeUrl(asClusterState(profile, port), { port });
}

/** A member as the owner role (Prisma Migrate). */
export function ownerUrl(profile: HaProfile, port: number): string {
  return nodeUrl(asClusterState(profile, port), { port }, profile.owner);
}

export function apiUrl(profile: HaProfile, member: HaMember): string {
  return `http://${profile.host}:${member.apiPort}`;
}
