/**
 * The HA profile's lifecycle: `haUp` (create on first run, start afterwards), `haDown` (stop, keep data),
 * `haClean` (stop and delete). Up means: etcd answering, every member's Patroni running, a leader, every
 * other member streaming from it, the app's roles and database provisioned on the leader.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { locateBinaries } from "~/cluster/binaries";
import { createCertificateAuthority, issueServerCertificate } from "~/cluster/certificates";
import { socketDirOf, tandemConf } from "~/cluster/config-files";
import { provisionRoles } from "~/cluster/create-primary";
import { type RunAs, resolveRunAs } from "~/cluster/os-user";
import { ensureOwnedDir, prepareNodesDir, reachableBinaries } from "~/cluster/placement";
import { freePorts } from "~/cluster/ports";
import { silentProgress } from "~/cluster/progress";
import { OWNER_ROLE } from "~/cluster/roles";
import { waitFor } from "~/cluster/wait-for";
import { prepareBinDir } from "./bin-dir";
import { startEtcd, stopEtcd } from "./etcd-process";
import { startMember, stopMember, stopOrphanedPostgres, writeMemberConfig } from "./member-process";
import { fetchCluster, isStreamingReplica, leaderOf, type PatroniCluster, type PatroniMember } from "./patroni-api";
import { customConfPath, memberFiles } from "./patroni-config";
import {
  apiUrl,
  asClusterState,
  defaultHaRoot,
  type HaMember,
  type HaProfile,
  profilePath,
  readProfile,
  writeProfile,
} from "./profile-state";
import { assertValidTimings, type PatroniTimings, SHORT_TIMINGS } from "./timings";

export interface HaOptions {
  root?: string;
  members?: number;
  timings?: PatroniTimings;
  log?: (line: string) => void;
}

interface Ctx {
  root: string;
  runAs: RunAs;
  log: (line: string) => void;
}

function context(options: HaOptions): Ctx {
  const log = options.log ?? (() => {});
  return { root: path.resolve(options.root ?? defaultHaRoot()), runAs: resolveRunAs(process.env, log), log };
}

export async function haUp(options: HaOptions = {}): Promise<{ profile: HaProfile; leader: PatroniMember }> {
  const ctx = context(options);
  const profile = existsSync(profilePath(ctx.root)) ? readProfile(ctx.root) : await createProfile(ctx, options);
  // Rebuilt on every start: the stand-ins follow the sources, the links the installed binaries.
  await prepareBinDir(profile.binDir, reachableBinaries(locateBinaries(), ctx.runAs, ctx.log));
  ctx.log(`etcd on ${profile.host}:${profile.etcd.clientPort}: ${await startEtcd(profile, ctx.runAs)}`);
  for (const member of profile.members)
    ctx.log(
      `${member.name} (PostgreSQL ${member.pgPort}, Patroni API ${member.apiPort}): ${startMember(profile, member, ctx.runAs)}`,
    );
  const cluster = await waitUntilHealthy(profile, profile.members.length);
  const leader = leaderOf(cluster) as PatroniMember;
  ctx.log(`leader: ${leader.name}; provisioning roles and the '${profile.database}' database on it`);
  await provisionRoles(clusterContextOf(ctx, profile), asClusterState(profile, leader.port));
  return { profile, leader };
}

/** Adds a member to a running profile (recorded, configured, started): it clones from the leader. */
export async function addMember(options: HaOptions = {}): Promise<HaMember> {
  const ctx = context(options);
  const profile = readProfile(ctx.root);
  const [pgPort, apiPort] = await freePorts(2);
  const member = newMember(profile.nodesDir, `member${profile.members.length + 1}`, pgPort, apiPort);
  await installMemberCertificate(ctx, profile, member);
  profile.members.push(member);
  writeProfile(profile, ctx.runAs);
  ctx.log(`${member.name}: ${startMember(profile, member, ctx.runAs)}`);
  return member;
}

export async function haDown(options: HaOptions = {}): Promise<void> {
  const ctx = context(options);
  if (!existsSync(profilePath(ctx.root))) return;
  const profile = readProfile(ctx.root);
  // Replicas first, so the leader's shutdown does not set off a failover among them.
  const leaderName = await fetchCluster(profile.members.map((m) => apiUrl(profile, m))).then(
    (c) => leaderOf(c)?.name,
    () => undefined,
  );
  const order = [
    ...profile.members.filter((m) => m.name !== leaderName),
    ...profile.members.filter((m) => m.name === leaderName),
  ];
  for (const member of order) {
    ctx.log(`${member.name}: ${await stopMember(member)}`);
    if ((await stopOrphanedPostgres(member)) === "stopped")
      ctx.log(`${member.name}: its PostgreSQL outlived its Patroni; stopped it (immediate shutdown)`);
  }
  ctx.log(`etcd: ${await stopEtcd(profile)}`);
}

export async function haClean(options: HaOptions = {}): Promise<void> {
  const ctx = context(options);
  if (!existsSync(profilePath(ctx.root))) return;
  const profile = readProfile(ctx.root);
  await haDown(options);
  rmSync(profile.nodesDir, { recursive: true, force: true });
  rmSync(ctx.root, { recursive: true, force: true });
  ctx.log(`deleted ${ctx.root}${profile.nodesDir === ctx.root ? "" : ` and ${profile.nodesDir}`}`);
}

/** A leader and `replicas` + 1 members in all, every other one streaming (lag known). */
export async function waitUntilHealthy(
  profile: HaProfile,
  members: number,
  timeoutMs = 120_000,
): Promise<PatroniCluster> {
  return waitFor(
    `a Patroni leader and ${members - 1} streaming replica(s) (logs: ${profile.members.map((m) => memberFiles(m).log).join(", ")})`,
    async () => {
      const cluster = await fetchCluster(profile.members.map((m) => apiUrl(profile, m)));
      const ok =
        leaderOf(cluster) &&
        cluster.members.length === members &&
        cluster.members.filter(isStreamingReplica).length === members - 1;
      return ok ? cluster : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

async function createProfile(ctx: Ctx, options: HaOptions): Promise<HaProfile> {
  const count = options.members ?? 3;
  if (count < 1 || count > 9) throw new Error(`--members must be 1 to 9, got ${count}`);
  mkdirSync(ctx.root, { recursive: true, mode: 0o755 });
  const nodesDir = prepareNodesDir(ctx.root, ctx.runAs, ctx.log);
  const ports = await freePorts(2 + 2 * count);
  const password = () => randomBytes(18).toString("base64url");
  const profile: HaProfile = {
    version: 1,
    scope: "tandem",
    host: "127.0.0.1",
    database: "tandem",
    root: ctx.root,
    nodesDir,
    binDir: path.join(nodesDir, "bin"),
    socketDir: socketDirOf(nodesDir),
    etcd: { clientPort: ports[0], peerPort: ports[1], dataDir: path.join(nodesDir, "etcd", "data") },
    members: Array.from({ length: count }, (_, i) =>
      newMember(nodesDir, `member${i + 1}`, ports[2 + 2 * i], ports[3 + 2 * i]),
    ),
    superuser: { user: "postgres", password: password() },
    app: { user: "tandem", password: password() },
    owner: { user: OWNER_ROLE, password: password() },
    replicator: { user: "replicator", password: password() },
    tls: { rootCert: path.join(nodesDir, "tls", "ca.crt") },
    timings: assertValidTimings(options.timings ?? SHORT_TIMINGS),
  };
  ctx.log(`creating an HA profile under ${ctx.root}: etcd and ${count} Patroni members`);
  ensureOwnedDir(profile.socketDir, ctx.runAs, 0o700);
  ensureOwnedDir(path.dirname(profile.etcd.dataDir), ctx.runAs, 0o700);
  writeFileSync(customConfPath(profile), tandemConf(profile.socketDir), { mode: 0o644 });
  const ca = await createCertificateAuthority("Tandem HA profile CA");
  mkdirSync(path.dirname(profile.tls.rootCert), { recursive: true, mode: 0o755 });
  writeFileSync(profile.tls.rootCert, ca.certificate, { mode: 0o644 });
  writeFileSync(path.join(ctx.root, "ca.key"), ca.privateKey, { mode: 0o600 });
  for (const member of profile.members) await installMemberCertificate(ctx, profile, member);
  writeProfile(profile, ctx.runAs);
  return profile;
}

function newMember(nodesDir: string, name: string, pgPort: number, apiPort: number): HaMember {
  const dir = path.join(nodesDir, name);
  return { name, pgPort, apiPort, dir, dataDir: path.join(dir, "data") };
}

/** The member's own server certificate, outside PGDATA (Patroni creates and re-clones that directory). */
async function installMemberCertificate(ctx: Ctx, profile: HaProfile, member: HaMember): Promise<void> {
  const ca = {
    certificate: readFileSync(profile.tls.rootCert, "utf8"),
    privateKey: readFileSync(path.join(profile.root, "ca.key"), "utf8"),
  };
  const pair = await issueServerCertificate(ca, `${member.name} (Tandem HA)`, ["127.0.0.1", "localhost", profile.host]);
  ensureOwnedDir(member.dir, ctx.runAs);
  const files = memberFiles(member);
  for (const [file, content, mode] of [
    [files.key, pair.privateKey, 0o600],
    [files.cert, pair.certificate, 0o644],
  ] as const) {
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
    if (ctx.runAs.switchUser) chownSync(file, ctx.runAs.uid, ctx.runAs.gid);
  }
  writeMemberConfig(profile, member, ctx.runAs);
}

/** What the cluster manager's role provisioning needs of its context (it logs, and reads nothing else). */
function clusterContextOf(ctx: Ctx, profile: HaProfile) {
  return {
    root: profile.root,
    nodesDir: profile.nodesDir,
    binaries: locateBinaries(),
    runAs: ctx.runAs,
    log: ctx.log,
    progress: silentProgress,
  };
}
