/** What `prisma migrate …` would work on (from the Prisma config), and the down SQL the real CLI computes for it. */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PrismaConfig } from "prisma/config";
import { UserFacingError } from "../errors";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** What the CLI would use: the config file, its datasource URL and its migrations directory. */
export interface Workspace {
  configPath: string;
  url: string;
  migrationsDir: string;
}

export async function loadWorkspace(config: string | undefined): Promise<Workspace> {
  const configPath = path.resolve(config ?? path.join(repoRoot, "prisma.config.ts"));
  const prismaConfig = (await import(pathToFileURL(configPath).href)).default as PrismaConfig;
  const url = prismaConfig.datasource?.url;
  if (!url) {
    throw new UserFacingError(
      `${configPath} names no database: set DATABASE_URL, or run \`npm run db:up\` to start the embedded cluster.`,
    );
  }
  // Relative paths in a Prisma config are relative to the config file.
  const migrationsDir = path.resolve(path.dirname(configPath), prismaConfig.migrations?.path ?? "prisma/migrations");
  return { configPath, url, migrationsDir };
}

/**
 * The SQL that takes the live schema to what `keep` (migration directory names) produces, from the real
 * CLI: it replays those migrations in a shadow database and diffs. Temp copies of the directories are used
 * because `--to-migrations` takes a directory, not a list.
 */
export function computeDownSql({ configPath, url, migrationsDir }: Workspace, keep: string[]): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "tandem-revert-"));
  try {
    cpSync(path.join(migrationsDir, "migration_lock.toml"), path.join(tmp, "migration_lock.toml"));
    for (const name of keep) {
      const dir = path.join(migrationsDir, name);
      if (!existsSync(dir)) {
        throw new UserFacingError(
          `Migration ${name} is applied but missing from ${migrationsDir}; cannot rebuild the schema before the last migration.`,
        );
      }
      cpSync(dir, path.join(tmp, name), { recursive: true });
    }
    const diff = spawnSync(
      path.join(repoRoot, "node_modules/.bin/prisma"),
      ["migrate", "diff", "--config", configPath, "--from-config-datasource", "--to-migrations", tmp, "--script"],
      // prisma.config.ts prefers DATABASE_URL: this pins the CLI to the database read above.
      { cwd: repoRoot, encoding: "utf8", env: { ...process.env, DATABASE_URL: url } },
    );
    if (diff.status !== 0) throw new UserFacingError(`prisma migrate diff failed:\n${diff.stderr}${diff.stdout}`);
    return diff.stdout;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
