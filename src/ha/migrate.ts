/** `prisma migrate deploy` against the leader, as the owner role: DDL goes where Patroni says writes go. */
import { spawn } from "node:child_process";
import path from "node:path";
import { type HaProfile, ownerUrl } from "./profile-state";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");

export async function migrateLeader(profile: HaProfile, leaderPort: number): Promise<void> {
  const prisma = path.join(PROJECT_ROOT, "node_modules", ".bin", "prisma");
  const child = spawn(prisma, ["migrate", "deploy"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, MIGRATE_DATABASE_URL: ownerUrl(profile, leaderPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.on("error", reject).on("close", resolve));
  if (code !== 0) throw new Error(`prisma migrate deploy on the leader failed (exit ${code}):\n${output}`);
}
