/**
 * `npm run dev`: the whole app on one command. With no DATABASE_URL it runs `db:up` (creating the
 * embedded cluster on first run; TANDEM_DB_PORT and TANDEM_DATA_DIR apply as for `npm run db:up`),
 * applies migrations to the primary, then runs the app's server in development mode (src/server/http/server.ts
 * --dev: the API fast path ahead of Next's dev server, with hot reload for pages). With DATABASE_URL set, the
 * cluster is yours: it only migrates and serves. The cluster keeps running after the dev server stops
 * (`npm run db:down` stops it), so a restart of the app does not pay for a cluster start.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";

const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);

/** Runs a step to completion with the terminal attached; a failed step ends `dev` with its exit code. */
function step(what: string, command: string, args: string[]): void {
  console.error(`[dev] ${what}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.env.DATABASE_URL) console.error("[dev] DATABASE_URL is set: using that cluster, not the embedded one");
else step("embedded cluster up (npm run db:up)", bin("tsx"), [path.join("src", "cluster", "cli.ts"), "up"]);

step("prisma migrate deploy (on the primary)", bin("prisma"), ["migrate", "deploy"]);

// The app reads the cluster's URLs itself (src/env.ts); forward our arguments (-p 3001, -H host) to the server.
const args = process.argv.slice(2);
// Without ADMIN_TOKEN the admin API takes the published development token, so the dev server listens on
// this machine only: anyone on the network could otherwise pause replay or promote a replica. `-H` (with
// an ADMIN_TOKEN of your own) opens it up.
const hostGiven = args.some((arg) => arg === "-H" || arg === "--hostname" || arg.startsWith("--hostname="));
if (!hostGiven && !process.env.ADMIN_TOKEN) {
  console.error(
    "[dev] listening on 127.0.0.1 only (the development admin token is public); set ADMIN_TOKEN and pass -H 0.0.0.0 to serve your network",
  );
  args.push("-H", "127.0.0.1");
}
// `tsx watch` restarts the server when the API code it imported changes (Next reloads pages itself).
const server = spawn(
  bin("tsx"),
  ["watch", "--clear-screen=false", path.join("src", "server", "http", "server.ts"), "--dev", ...args],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
