/** Runs a project command the way a user does (a real child process), capturing its output. */
import { spawn } from "node:child_process";
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The cluster CLI (what `npm run db:*` runs) against the cluster under `root`. */
export function clusterCli(
  root: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  // Empty DATABASE_URL: status and verify target the embedded cluster, whatever the caller's shell has.
  return run(path.join(PROJECT_ROOT, "node_modules/.bin/tsx"), ["src/cluster/cli.ts", ...args], {
    TANDEM_DATA_DIR: root,
    DATABASE_URL: "",
    DATABASE_REPLICA_URLS: "",
    ...env,
  });
}
