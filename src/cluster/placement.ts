/**
 * Where node data directories, logs and (if need be) the binaries live, so that the server's OS user
 * can reach them.
 *
 * By default everything sits under the project's data root (`.tandem/`). As root, the server runs as
 * another user, and a project cloned under a 0700 directory such as /root is out of that user's reach:
 * then the data and a copy of the binaries go under /var/lib/tandem/<hash of the data root>, and the
 * state file stays in the project. Nothing is ever chmod-ed above the project.
 */
import { createHash } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, lchownSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PgBinaries } from "./binaries";
import { canReach, type RunAs } from "./os-user";

export const SHARED_HOME = "/var/lib/tandem";

/** Creates the data root (traversable, holds the 0600 state file) and returns where nodes must live. */
export function prepareNodesDir(root: string, runAs: RunAs, log: (line: string) => void): string {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  if (canReach(runAs, root)) return root;
  const elsewhere = path.join(SHARED_HOME, createHash("sha256").update(root).digest("hex").slice(0, 12));
  if (!existsSync(elsewhere))
    log(
      `${root} is not reachable by OS user '${runAs.name}' (a parent directory is private); node data goes to ${elsewhere}`,
    );
  ensureOwnedDir(elsewhere, runAs, 0o755);
  chmodSync(SHARED_HOME, 0o755);
  return elsewhere;
}

/** Makes a directory owned by the server's OS user, as PostgreSQL requires of PGDATA and its log dir. */
export function ensureOwnedDir(dir: string, runAs: RunAs, mode = 0o700): void {
  mkdirSync(dir, { recursive: true, mode });
  if (runAs.switchUser) chownSync(dir, runAs.uid, runAs.gid);
  chmodSync(dir, mode);
}

/** The binaries, copied once to a reachable place when node_modules is out of the server user's reach. */
export function reachableBinaries(binaries: PgBinaries, runAs: RunAs, log: (line: string) => void): PgBinaries {
  if (canReach(runAs, binaries.postgres)) return binaries;
  const version = path.basename(path.dirname(binaries.home)); // e.g. linux-x64
  const home = path.join(
    SHARED_HOME,
    `pgsql-${version}-${createHash("sha256").update(binaries.home).digest("hex").slice(0, 8)}`,
  );
  const marker = path.join(home, ".complete");
  if (!existsSync(marker)) {
    log(`node_modules is not reachable by OS user '${runAs.name}'; copying the PostgreSQL binaries to ${home}`);
    mkdirSync(SHARED_HOME, { recursive: true, mode: 0o755 });
    cpSync(binaries.home, home, { recursive: true, verbatimSymlinks: true });
    writeFileSync(marker, "");
  }
  return {
    home,
    initdb: path.join(home, "bin", "initdb"),
    pg_ctl: path.join(home, "bin", "pg_ctl"),
    postgres: path.join(home, "bin", "postgres"),
  };
}

/** Hands a whole tree (a freshly copied replica, files we wrote into PGDATA) to the server's OS user. */
export function chownTree(dir: string, runAs: RunAs): void {
  if (!runAs.switchUser) return;
  const walk = (target: string) => {
    chownSync(target, runAs.uid, runAs.gid);
    for (const entry of readdirSync(target, { withFileTypes: true })) {
      const child = path.join(target, entry.name);
      if (entry.isDirectory()) walk(child);
      else lchownSync(child, runAs.uid, runAs.gid);
    }
  };
  walk(dir);
}
