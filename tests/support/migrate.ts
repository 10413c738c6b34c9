/** Applies the project's migrations to a test cluster's primary with the real Prisma CLI. */
import path from "node:path";
import { PROJECT_ROOT, run } from "./run";

/** `ownerUrl`: the role that owns the tables (TestCluster.ownerUrl). */
export async function migrate(ownerUrl: string): Promise<void> {
  const result = await run(path.join(PROJECT_ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    DATABASE_URL: ownerUrl,
  });
  if (result.code !== 0) throw new Error(`prisma migrate deploy failed:\n${result.stdout}${result.stderr}`);
}
