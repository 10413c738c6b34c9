/**
 * A test cluster node's server processes, for faults injected for real: kill -9, SIGSTOP, a fast shutdown.
 * The pid comes from the cluster manager's own reading of postmaster.pid.
 */
import { execFileSync } from "node:child_process";
import { postmasterPid } from "../../src/cluster/node-process";

/** The running postmaster's pid; throws when the data directory has none (the node is not running). */
export function postmasterOf(dataDir: string): number {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) throw new Error(`no postmaster.pid in ${dataDir}: is the node running?`);
  return pid;
}

export function signalPostmaster(dataDir: string, signal: NodeJS.Signals = "SIGKILL"): void {
  process.kill(postmasterOf(dataDir), signal);
}

/** The postmaster of a node and its children (backends, walsender, walreceiver, checkpointer…): the whole server. */
export function serverProcesses(dataDir: string): number[] {
  const pid = postmasterOf(dataDir);
  const children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map(Number);
  return [pid, ...children];
}
