/**
 * Which OS user the PostgreSQL processes run as.
 *
 * PostgreSQL refuses to run as root. When we are root (containers, CI), the servers run as a system
 * user (`postgres` by default, created if missing); otherwise they run as whoever runs the scripts.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

export interface RunAs {
  name: string;
  uid: number;
  gid: number;
  /** True when we are root and must hand files and processes to `name`. */
  switchUser: boolean;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function resolveRunAs(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => {}): RunAs {
  if (!isRoot()) {
    const me = os.userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid, switchUser: false };
  }
  const name = env.TANDEM_PG_OS_USER ?? "postgres";
  let ids = lookupUser(name);
  if (!ids) {
    log(`creating system user '${name}' to run PostgreSQL (it refuses to run as root)`);
    const created = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], {
      encoding: "utf8",
    });
    ids = lookupUser(name);
    if (!ids) {
      throw new Error(
        `Could not create the OS user '${name}' that PostgreSQL must run as: ${created.stderr || created.error?.message}\n` +
          `  Fix: create it (useradd --system ${name}) or name an existing non-root user in TANDEM_PG_OS_USER.`,
      );
    }
  }
  return { name, ...ids, switchUser: true };
}

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Asks the kernel, as that user, whether it can reach `target` (every parent directory traversable). */
export function canReach(runAs: RunAs, target: string): boolean {
  if (!runAs.switchUser) return true;
  const result = spawnSync("test", ["-x", path.resolve(target)], { uid: runAs.uid, gid: runAs.gid });
  return result.status === 0;
}
