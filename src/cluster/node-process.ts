/**
 * Starting and stopping one PostgreSQL server with pg_ctl.
 *
 * `pg_ctl -w start` leaves a server that outlives this Node process, which is what `db:up` wants: the
 * cluster keeps running after the script exits, as a database service would, until `db:down` stops it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { PgBinaries } from "./binaries";
import { inNetns, isPortFreeFor } from "./node-network";
import type { RunAs } from "./os-user";
import { PortTakenError } from "./ports";

export interface NodeHandle {
  name: string;
  port: number;
  dataDir: string;
  logFile: string;
  /** The cluster's private socket directory (./config-files.ts), where a killed server leaves its socket's lock file. */
  socketDir?: string;
  /** The address it listens on, when not 127.0.0.1. */
  host?: string;
  /** The network namespace its server runs in (./node-network.ts). */
  netns?: string;
}

export interface ProcessContext {
  binaries: PgBinaries;
  runAs: RunAs;
}

/**
 * Runs a PostgreSQL binary as the server's OS user, inside `netns` if given (what the server it starts
 * inherits); throws with its output when it fails.
 */
export function runPgBinary(ctx: ProcessContext, binary: string, args: string[], what: string, netns?: string): string {
  const command = netns ? inNetns(netns, ctx.runAs, binary, args) : { file: binary, args, runAs: ctx.runAs };
  const result = spawnSync(command.file, command.args, {
    encoding: "utf8",
    ...(command.runAs.switchUser ? { uid: command.runAs.uid, gid: command.runAs.gid } : {}),
    // A cwd the server user can enter: pg binaries chdir-check their cwd, and ours may be /root.
    cwd: "/",
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() || result.error?.message || "";
    throw new Error(`${what} failed (exit ${result.status}):\n${indent(output)}`);
  }
  return result.stdout;
}

export function isRunning(ctx: ProcessContext, node: NodeHandle): boolean {
  if (!existsSync(path.join(node.dataDir, "PG_VERSION"))) return false;
  clearStalePidFile(node);
  const result = spawnSync(ctx.binaries.pg_ctl, ["status", "-D", node.dataDir], {
    ...(ctx.runAs.switchUser ? { uid: ctx.runAs.uid, gid: ctx.runAs.gid } : {}),
    cwd: "/",
  });
  return result.status === 0;
}

export async function startNode(ctx: ProcessContext, node: NodeHandle): Promise<"started" | "already running"> {
  if (isRunning(ctx, node)) return "already running";
  if (!(await isPortFreeFor(node, node.port))) throw new PortTakenError(node.name, node.port, true);
  clearStaleSocketLock(node);
  try {
    runPgBinary(
      ctx,
      ctx.binaries.pg_ctl,
      ["start", "-w", "-t", "120", "-D", node.dataDir, "-l", node.logFile],
      `starting ${node.name}`,
      node.netns,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n  Last lines of ${node.logFile}:\n${indent(tail(node.logFile, 15))}`);
  }
  return "started";
}

export function stopNode(
  ctx: ProcessContext,
  node: NodeHandle,
  mode: "fast" | "immediate" = "fast",
): "stopped" | "not running" {
  if (!isRunning(ctx, node)) return "not running";
  runPgBinary(
    ctx,
    ctx.binaries.pg_ctl,
    ["stop", "-w", "-t", "120", "-m", mode, "-D", node.dataDir],
    `stopping ${node.name}`,
  );
  return "stopped";
}

/**
 * After `kill -9` the server leaves postmaster.pid behind. PostgreSQL itself ignores a pid file whose
 * process is gone, but if the pid has since been reused by an unrelated process, pg_ctl would report
 * "running" forever and the server would refuse to start. A pid file is stale unless its pid is a
 * live postgres process.
 */
function clearStalePidFile(node: NodeHandle): void {
  removeUnlessHeld(path.join(node.dataDir, "postmaster.pid"));
}

/**
 * The same for the socket's lock file (`.s.PGSQL.<port>.lock`) in the private socket directory, which
 * a killed server also leaves. PostgreSQL ignores it only when its pid is gone, and a killed postmaster
 * can linger as a zombie (its parent has not reaped it: a container without an init), which it takes
 * for a live server: "lock file … already exists". Called once the port is known to be free.
 */
function clearStaleSocketLock(node: NodeHandle): void {
  if (node.socketDir) removeUnlessHeld(path.join(node.socketDir, `.s.PGSQL.${node.port}.lock`));
}

/** Removes a PostgreSQL lock file unless a live postgres process holds it. */
function removeUnlessHeld(lockFile: string): void {
  if (!existsSync(lockFile)) return;
  const pid = lockFilePid(lockFile);
  if (pid !== undefined && isPostgresProcess(pid)) return;
  rmSync(lockFile, { force: true });
}

/** The pid a PostgreSQL lock file names (its first line), or undefined when there is none or it is not a pid. */
function lockFilePid(lockFile: string): number | undefined {
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The postmaster's pid from its data directory's postmaster.pid (it may be stale: check the process). */
export function postmasterPid(dataDir: string): number | undefined {
  return lockFilePid(path.join(dataDir, "postmaster.pid"));
}

/** Whether the pid is a postgres process (not one that reused a dead server's pid). */
export function isPostgresProcess(pid: number): boolean {
  if (!existsSync("/proc/self")) return true; // no /proc (macOS): trust pg_ctl, as PostgreSQL does
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return false; // no such process
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
