/**
 * `npm run dev`: the whole app on one command. With no DATABASE_URL it brings up the embedded cluster
 * (creating it on first run), applies migrations to the primary, then runs the Next.js dev server.
 * With DATABASE_URL set, the cluster is yours: it only migrates and serves.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { up } from "../cluster/lifecycle";

const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);

if (process.env.DATABASE_URL) {
  console.error("[dev] DATABASE_URL is set: using that cluster, not the embedded one");
} else {
  await up({ log: (line) => console.error(`[cluster] ${line}`) });
}

console.error("[dev] prisma migrate deploy (on the primary)");
const migrate = spawnSync(bin("prisma"), ["migrate", "deploy"], { stdio: "inherit" });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// Next reads the cluster's URLs itself (src/env.ts); forward our arguments (e.g. -p 3001) to it.
const next = spawn(bin("next"), ["dev", ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code) => process.exit(code ?? 0));
