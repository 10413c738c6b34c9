/**
 * Long-running processes of the profile (etcd, each Patroni): started detached with a pid file and a log,
 * so `ha:up` can exit and leave them running, and stopped by that pid file.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { RunAs } from "~/cluster/os-user";
import { waitFor } from "~/cluster/wait-for";

export interface DaemonSpec {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  runAs: RunAs;
  env?: Record<string, string>;
}

export function startDaemon(spec: DaemonSpec): number {
  const log = openSync(spec.logFile, "a", 0o600);
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ["ignore", log, log],
      cwd: "/", // a directory the servers' OS user can enter
      env: { ...process.env, LC_ALL: "C.UTF-8", LANG: "C.UTF-8", ...spec.env },
      ...(spec.runAs.switchUser ? { uid: spec.runAs.uid, gid: spec.runAs.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The pid in the file if that process is alive (a zombie, killed but not reaped yet, is not). */
export function runningPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`; removes the pid file. */
export async function stopDaemon(pidFile: string, what: string, graceMs = 30_000): Promise<"stopped" | "not running"> {
  const pid = runningPid(pidFile);
  if (pid === undefined) {
    rmSync(pidFile, { force: true });
    return "not running";
  }
  process.kill(pid, "SIGTERM");
  try {
    await waitFor(`${what} (pid ${pid}) to exit`, async () => (isAlive(pid) ? undefined : true), {
      timeoutMs: graceMs,
      intervalMs: 100,
    });
  } catch {
    process.kill(pid, "SIGKILL");
    await waitFor(`${what} (pid ${pid}) to exit after SIGKILL`, async () => (isAlive(pid) ? undefined : true), {
      timeoutMs: 5_000,
    });
  }
  rmSync(pidFile, { force: true });
  return "stopped";
}
