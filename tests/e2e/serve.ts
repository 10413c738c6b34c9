/**
 * The web server for the e2e tests, started by playwright.config.ts (`webServer`):
 *   1. a throwaway PostgreSQL cluster (primary + 2 replicas) on free ports in its own temp directory,
 *      never the developer's cluster under .tandem/;
 *   2. `prisma migrate deploy` against its primary;
 *   3. the production server (`npm start`'s bundle, from the `npm run build` the test command ran first) on that
 *      embedded cluster, named by TANDEM_DATA_DIR: the app reads its URLs from the cluster's state file
 *      and the admin page's pause/resume/promote act on it, as with `npm run dev`.
 * On SIGINT/SIGTERM, or when the server exits on its own, it stops the server and then the cluster and
 * deletes the temp directory, so a test run leaves no process or data behind.
 *
 * Usage: node --import tsx tests/e2e/serve.ts --port <port>
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { endpointOf } from "../../src/config/redact-url";
import { SERVER_BUNDLE } from "../../src/scripts/server-bundle";
import { startTestCluster, sweepTestClusters, type TestCluster } from "../support/cluster";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
const bin = (name: string) => path.join(PROJECT_ROOT, "node_modules/.bin", name);
const log = (message: string) => console.log(`[e2e serve] ${message}`);

const port = Number(parseArgs({ options: { port: { type: "string" } } }).values.port);
if (!Number.isInteger(port) || port <= 0) throw new Error("Usage: serve.ts --port <port>");

// For the admin specs (tests/e2e/admin.ts): the server's admin token, and the cluster's data root so a
// spec can stop or start a node with the cluster tools. Written owner-only where the specs find it by
// the port, and deleted on shutdown.
const adminToken = randomBytes(32).toString("hex");
const handleFile = path.join(os.tmpdir(), `tandem-e2e-${port}.json`);

// startTestCluster puts its cluster under this directory; ours alone, so the sweep below can only
// ever touch clusters this script started.
const runDir = mkdtempSync(path.join(os.tmpdir(), "tandem-e2e-"));
process.env.TANDEM_TEST_RUN_DIR = runDir;

let server: ChildProcess | undefined;
let shuttingDown = false;
const clusterStarting = startTestCluster({ replicas: 2 });

process.on("SIGINT", () => void shutdown("SIGINT", 0));
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));

main().catch((error: unknown) => {
  console.error(error);
  void shutdown("startup failed", 1);
});

async function main(): Promise<void> {
  log("starting a test cluster");
  const cluster = await clusterStarting;
  log(`primary ${endpointOf(cluster.primaryUrl)}, replicas ${cluster.replicaUrls.map(endpointOf).join(", ")}`);
  if (shuttingDown) return;

  await migrate(cluster);
  if (shuttingDown) return;

  server = startServer(cluster);
  server.on("exit", serverExited);
}

const serverExited = (code: number | null, signal: NodeJS.Signals | null) =>
  void shutdown(`the server exited (${signal ?? `code ${code}`})`, 1);

// SIGHUP restarts the app's server on the same cluster and data root, for specs about what survives a
// restart (tests/e2e/own-server.ts); the handle file's serverPid says when the new one runs.
process.on("SIGHUP", () => void restartServer());

async function restartServer(): Promise<void> {
  const cluster = await clusterStarting;
  if (shuttingDown || !server) return;
  server.off("exit", serverExited);
  await stopServer();
  if (shuttingDown) return;
  log("restarting the app's server (SIGHUP)");
  server = startServer(cluster);
  server.on("exit", serverExited);
}

async function migrate(cluster: TestCluster): Promise<void> {
  log("prisma migrate deploy");
  const migrator = spawn(bin("prisma"), ["migrate", "deploy"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: cluster.ownerUrl },
    stdio: "inherit",
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    migrator.on("error", reject);
    migrator.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`prisma migrate deploy failed (exit code ${code})`);
}

function startServer(cluster: TestCluster): ChildProcess {
  log(`the app's server on http://127.0.0.1:${port}`);
  // Not DATABASE_URL, even one from the caller's shell: it would take precedence over the cluster.
  const { DATABASE_URL: _primary, DATABASE_REPLICA_URLS: _replicas, ...inherited } = process.env;
  const child = spawn(process.execPath, [SERVER_BUNDLE, "-p", String(port), "-H", "127.0.0.1"], {
    cwd: PROJECT_ROOT,
    env: {
      ...inherited,
      TANDEM_DATA_DIR: cluster.root,
      // Production refuses to start without an admin token of its own.
      ADMIN_TOKEN: adminToken,
    },
    stdio: "inherit",
  });
  writeFileSync(handleFile, JSON.stringify({ adminToken, clusterRoot: cluster.root, serverPid: child.pid }), {
    mode: 0o600,
  });
  return child;
}

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`stopping (${reason})`);
  await stopServer();
  // Wait for a cluster still starting rather than sweep under it: the sweep could miss nodes it has
  // not created yet, and they would outlive this script.
  const cluster = await clusterStarting.catch(() => undefined);
  if (cluster) await cluster.stop();
  else await sweepTestClusters(); // startup failed half-way: stop whatever it left in runDir
  rmSync(runDir, { recursive: true, force: true });
  rmSync(handleFile, { force: true });
  log("stopped");
  process.exit(exitCode);
}

async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server?.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}
