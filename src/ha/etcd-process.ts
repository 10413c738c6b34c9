/**
 * The profile's etcd (Debian's etcd-server, v3 API): one member on loopback, its data beside the
 * Patroni members'. Patroni keeps its leader key and member keys here.
 */
import path from "node:path";
import type { RunAs } from "~/cluster/os-user";
import { ensureOwnedDir } from "~/cluster/placement";
import { waitFor } from "~/cluster/wait-for";
import { runningPid, startDaemon, stopDaemon } from "./daemon";
import type { HaProfile } from "./profile-state";

export const ETCD_BINARY = process.env.TANDEM_ETCD_BINARY ?? "etcd";

function files(profile: HaProfile) {
  const dir = path.dirname(profile.etcd.dataDir);
  return { pid: path.join(dir, "etcd.pid"), log: path.join(dir, "etcd.log") };
}

export function etcdUrl(profile: HaProfile): string {
  return `http://${profile.host}:${profile.etcd.clientPort}`;
}

export async function startEtcd(profile: HaProfile, runAs: RunAs): Promise<"started" | "already running"> {
  const { pid, log } = files(profile);
  if (runningPid(pid) !== undefined) return "already running";
  ensureOwnedDir(profile.etcd.dataDir, runAs);
  const peer = `http://${profile.host}:${profile.etcd.peerPort}`;
  const name = `${profile.scope}-etcd`;
  startDaemon({
    command: ETCD_BINARY,
    args: [
      `--name=${name}`,
      `--data-dir=${profile.etcd.dataDir}`,
      `--listen-client-urls=${etcdUrl(profile)}`,
      `--advertise-client-urls=${etcdUrl(profile)}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${name}=${peer}`,
      "--initial-cluster-state=new",
      "--log-level=warn",
    ],
    pidFile: pid,
    logFile: log,
    runAs,
  });
  await waitFor(`etcd to answer on ${etcdUrl(profile)} (see ${log})`, async () => {
    if (runningPid(pid) === undefined) throw new Error(`etcd exited; see ${log}`);
    const health = (await (await fetch(`${etcdUrl(profile)}/health`)).json()) as { health?: string };
    return health.health === "true" ? true : undefined;
  });
  return "started";
}

export function stopEtcd(profile: HaProfile): Promise<"stopped" | "not running"> {
  return stopDaemon(files(profile).pid, "etcd");
}
