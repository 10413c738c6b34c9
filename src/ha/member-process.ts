/**
 * One Patroni member (Debian's `patroni`, 3.0.x) as a process: its YAML written, started as the servers'
 * OS user (PostgreSQL refuses root, and Patroni runs pg_ctl as itself), stopped with SIGTERM, on which
 * Patroni stops its PostgreSQL and, if it led, releases the leader key.
 */
import { chownSync, writeFileSync } from "node:fs";
import { isPostgresProcess, postmasterPid } from "~/cluster/node-process";
import type { RunAs } from "~/cluster/os-user";
import { ensureOwnedDir } from "~/cluster/placement";
import { waitFor } from "~/cluster/wait-for";
import { isAlive, runningPid, startDaemon, stopDaemon } from "./daemon";
import { memberFiles, patroniYaml } from "./patroni-config";
import type { HaMember, HaProfile } from "./profile-state";

export const PATRONI_BINARY = process.env.TANDEM_PATRONI_BINARY ?? "patroni";

export function writeMemberConfig(profile: HaProfile, member: HaMember, runAs: RunAs): void {
  ensureOwnedDir(member.dir, runAs);
  const file = memberFiles(member).config;
  writeFileSync(file, patroniYaml(profile, member), { mode: 0o600 }); // holds passwords
  if (runAs.switchUser) chownSync(file, runAs.uid, runAs.gid);
}

export function patroniPid(member: HaMember): number | undefined {
  return runningPid(memberFiles(member).pid);
}

export function startMember(profile: HaProfile, member: HaMember, runAs: RunAs): "started" | "already running" {
  if (patroniPid(member) !== undefined) return "already running";
  writeMemberConfig(profile, member, runAs);
  const files = memberFiles(member);
  startDaemon({
    command: PATRONI_BINARY,
    args: [files.config],
    pidFile: files.pid,
    logFile: files.log,
    runAs,
    // libpq (replication connections) looks in $HOME/.postgresql for client certificates: a HOME the
    // servers' user can read, not root's.
    env: { HOME: member.dir, PYTHONUNBUFFERED: "1" },
  });
  return "started";
}

export function stopMember(member: HaMember): Promise<"stopped" | "not running"> {
  // Patroni's own shutdown waits for PostgreSQL's; give it more than pg_ctl's default minute.
  return stopDaemon(memberFiles(member).pid, `Patroni ${member.name}`, 90_000);
}

/**
 * A postmaster whose Patroni is gone (killed with SIGKILL: Patroni's PostgreSQL outlives it) is stopped
 * with an immediate shutdown, so `ha:down` leaves no server behind.
 */
export async function stopOrphanedPostgres(member: HaMember): Promise<"stopped" | "none"> {
  const pid = postmasterPid(member.dataDir);
  if (pid === undefined || !isAlive(pid) || !isPostgresProcess(pid)) return "none";
  process.kill(pid, "SIGQUIT");
  await waitFor(
    `the postmaster of ${member.name} (pid ${pid}) to exit`,
    async () => (isAlive(pid) ? undefined : true),
    { timeoutMs: 30_000 },
  );
  return "stopped";
}
