/**
 * A server of a spec's own, for a spec that changes the cluster for good (a promote): tests/e2e/serve.ts
 * again, on a free port with a cluster of its own, so the shared server's cluster is left as it was.
 * Stopped with SIGTERM (serve.ts then stops the cluster and deletes its files), also when the spec fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { test } from "@playwright/test";
import { freePorts } from "../../src/cluster/ports";
import { waitFor } from "../../src/cluster/wait-for";
import { handle } from "./admin";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");

export interface OwnServer {
  port: number;
  baseURL: string;
  /** Restarts the app's server (not the cluster) and resolves once the new one answers. */
  restartApp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnServer(): Promise<OwnServer> {
  const [port] = await freePorts(1);
  const baseURL = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "tests/e2e/serve.ts", "--port", String(port)],
    { cwd: PROJECT_ROOT, stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    // As playwright.config.ts waits for the shared server: a static file, then the pages can fail on their own.
    await waitFor(
      `the spec's own server on ${baseURL}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`serve.ts exited (code ${child.exitCode})`);
        return (await fetch(`${baseURL}/favicon.svg`)).ok || undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const answers = async () => (await fetch(`${baseURL}/favicon.svg`).catch(() => undefined))?.ok;
  const restartApp = async () => {
    const before = handle(port).serverPid;
    child.kill("SIGHUP");
    await waitFor(
      "the app's server to restart",
      async () => (handle(port).serverPid !== before && (await answers())) || undefined,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  };
  return { port, baseURL, restartApp, stop };
}

/** A server of this spec file's own, started before its tests and stopped after them (pass or fail). */
export function ownServerForThisFile(): () => OwnServer {
  let server: OwnServer | undefined;
  test.beforeAll(async () => {
    test.setTimeout(180_000); // a cluster of its own: initdb and two base backups on a loaded machine
    server = await startOwnServer();
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("the spec's own server did not start");
    return server;
  };
}
