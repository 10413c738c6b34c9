/**
 * A throwaway embedded cluster for tests: its own temp directory, ports nobody uses, stopped and deleted
 * by `stop()`. Tests never touch the developer's cluster under .tandem/.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminUrl } from "../../src/cluster/context";
import { clean, up } from "../../src/cluster/lifecycle";
import type { ClusterNetwork } from "../../src/cluster/node-network";
import { isPortFree } from "../../src/cluster/ports";
import { type ClusterState, primaryOf, readState } from "../../src/replication/state";
import { clusterUrls } from "../../src/replication/urls";

export interface TestCluster {
  /** The data root: pass it as TANDEM_DATA_DIR to run the CLI against this cluster. */
  root: string;
  primaryUrl: string;
  replicaUrls: string[];
  /** The primary as the owner role: migrations and test DDL (the app's role may not create tables). */
  ownerUrl: string;
  superuserUrl: string;
  /** The state as it is on disk now (it changes after a promote). */
  state(): ClusterState;
  stop(): Promise<void>;
}

/** All test clusters of one run live under this directory, so a global teardown can sweep leftovers. */
export function testRunDir(): string {
  return process.env.TANDEM_TEST_RUN_DIR ?? path.join(os.tmpdir(), "tandem-tests");
}

/** `network`: nodes on addresses of their own, in network namespaces (./netns.ts); unset, all on 127.0.0.1. */
export async function startTestCluster(
  options: { replicas?: number; network?: ClusterNetwork } = {},
): Promise<TestCluster> {
  const parent = testRunDir();
  mkdirTraversable(parent);
  const root = path.join(mkdtempSync(path.join(parent, "cluster-")), "data");
  // mkdtemp makes a 0700 directory; as root the servers run as another user who must traverse it.
  chmodSync(path.dirname(root), 0o755);
  const state = await up({
    root,
    replicas: options.replicas ?? 2,
    basePort: await freeBasePort((options.replicas ?? 2) + 1),
    network: options.network,
  });
  const urls = clusterUrls(state);
  return {
    root,
    primaryUrl: urls.primary,
    replicaUrls: urls.replicas,
    ownerUrl: urls.migration,
    superuserUrl: adminUrl(state, primaryOf(state), state.database),
    state: () => readState(root) as ClusterState,
    stop: async () => {
      await clean({ root });
      rmSync(path.dirname(root), { recursive: true, force: true });
    },
  };
}

/** Stops and deletes every cluster left under the run directory (a test that died before its `stop`). */
export async function sweepTestClusters(): Promise<void> {
  const parent = testRunDir();
  let entries: string[] = [];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    await clean({ root: path.join(parent, entry, "data") }).catch((error: Error) =>
      console.error(`sweep: ${error.message}`),
    );
    rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

function mkdirTraversable(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
}

/**
 * A base port whose next `count - 1` ports are free too (replica N listens on base + N). Chosen below
 * the kernel's ephemeral range (32768+), so outgoing connections never grab it between check and use.
 */
export async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) return base;
  }
  throw new Error("No run of free ports found for a test cluster");
}
