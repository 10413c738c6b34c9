/**
 * Prisma Migrate through the WebAssembly schema engine (src/schema-engine/), end to end: the real
 * `prisma` CLI in child processes, against a real primary + replica. Commands that write migrations or
 * generated code run on a temp copy of prisma/ (a workspace), so the repository's files are never touched.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority } from "~/cluster/certificates";
import { freePorts } from "~/cluster/ports";
import { queryOne, withClient } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { PROJECT_ROOT, type RunResult, run } from "../support/run";

let cluster: TestCluster;
let replicaUrl: string;
/** A copy of the project's Prisma setup: prisma.config.ts (re-exporting the real one) + prisma/. */
let workspace: string;
/** TANDEM_DATA_DIR for every command: an empty directory, so no developer cluster is ever picked up. */
let noEmbeddedCluster: string;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 1 });
  replicaUrl = cluster.replicaUrls[0]!;
  workspace = mkdtempSync(path.join(os.tmpdir(), "tandem-prisma-"));
  cpSync(path.join(PROJECT_ROOT, "prisma"), path.join(workspace, "prisma"), {
    recursive: true,
    filter: (src) => !src.endsWith(".ts"),
  });
  // Relative paths in a Prisma config resolve against the config file, so the re-exported config points
  // at the workspace's prisma/ while keeping the project's engine and database settings.
  writeFileSync(
    path.join(workspace, "prisma.config.ts"),
    `export { default } from ${JSON.stringify(path.join(PROJECT_ROOT, "prisma.config.ts"))};\n`,
  );
  noEmbeddedCluster = mkdtempSync(path.join(os.tmpdir(), "tandem-no-cluster-"));
});

afterAll(async () => {
  await cluster?.stop();
  for (const dir of [workspace, noEmbeddedCluster]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Commands target the test primary unless a test says otherwise. */
function commandEnv(env: Record<string, string>): Record<string, string> {
  return { DATABASE_URL: cluster.ownerUrl, TANDEM_DATA_DIR: noEmbeddedCluster, ...env };
}

/** The real CLI, as `npx prisma …` runs it from the repository root. */
function prisma(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(path.join(PROJECT_ROOT, "node_modules/.bin/prisma"), args, commandEnv(env));
}

/** The same, on the workspace copy. */
function prismaInWorkspace(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return prisma([...args, "--config", path.join(workspace, "prisma.config.ts")], env);
}

/** `npm run migrate:revert [-- flags]` on the workspace copy. Its stdin is not a terminal (as in CI). */
function revertInWorkspace(env: Record<string, string> = {}, flags: string[] = []): Promise<RunResult> {
  const args = [
    "run",
    "--silent",
    "migrate:revert",
    "--",
    "--config",
    path.join(workspace, "prisma.config.ts"),
    ...flags,
  ];
  return run("npm", args, commandEnv(env));
}

/** Fails with the command's output, which is what one needs to see when a CLI call goes wrong. */
function expectSuccess(result: RunResult): RunResult {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);
  return result;
}

async function tableExists(url: string, table: string): Promise<boolean> {
  return (await queryOne<{ present: boolean }>(url, "SELECT to_regclass($1) IS NOT NULL AS present", [table])).present;
}

async function countRows(url: string, table: string): Promise<number> {
  return (await queryOne<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`)).n;
}

/** Whether the migration whose name ends with `suffix` is applied (a rolled-back earlier run does not count). */
async function isApplied(url: string, suffix: string): Promise<boolean> {
  const sql =
    "SELECT count(*)::int AS n FROM _prisma_migrations WHERE migration_name LIKE '%' || $1 AND rolled_back_at IS NULL";
  return (await queryOne<{ n: number }>(url, sql, [suffix])).n > 0;
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Messages that would mean the engine crashed rather than reported an error. */
const ENGINE_CRASH = /panic|RUST_BACKTRACE|Error in Schema engine|Could not parse schema engine response/i;

const POST_MODEL = `
model Post {
  id    Int    @id @default(autoincrement())
  title String

  @@map("posts")
}
`;

describe("prisma migrate through the WebAssembly schema engine", () => {
  it("migrate deploy applies the committed migrations on the primary, and the replica receives them", async () => {
    const started = performance.now();
    const deploy = expectSuccess(await prisma(["migrate", "deploy"]));
    console.info(`prisma migrate deploy (1 migration, fresh database): ${Math.round(performance.now() - started)} ms`);

    expect(deploy.stdout).toMatch(/_init/);
    expect(deploy.stdout).toContain("All migrations have been successfully applied.");
    expect(await tableExists(cluster.ownerUrl, "users")).toBe(true);
    // The migration's bookkeeping row is written last: once the replica shows it finished, all of it is there.
    await waitFor(
      "the migration on the replica",
      async () =>
        (
          await queryOne<{ done: boolean }>(
            replicaUrl,
            "SELECT bool_and(finished_at IS NOT NULL) AS done FROM _prisma_migrations",
          )
        ).done || undefined,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect(await tableExists(replicaUrl, "users")).toBe(true);
  });

  it("migrate status reports the primary up to date, and may run on a replica (read-only)", async () => {
    for (const url of [cluster.ownerUrl, replicaUrl]) {
      const status = expectSuccess(await prisma(["migrate", "status"], { DATABASE_URL: url }));
      expect(status.stdout).toContain("Database schema is up to date!");
    }
  });

  it("migrate diff prints the SQL between two schema sources", async () => {
    const fromEmpty = expectSuccess(
      await prisma(["migrate", "diff", "--from-empty", "--to-schema", "prisma/schema.prisma", "--script"]),
    );
    expect(fromEmpty.stdout).toContain('CREATE TABLE "users"');
    expect(fromEmpty.stdout).toContain('CREATE UNIQUE INDEX "users_email_key"');

    const fromDatabase = expectSuccess(
      await prisma(["migrate", "diff", "--from-config-datasource", "--to-migrations", "prisma/migrations", "--script"]),
    );
    expect(fromDatabase.stdout).toContain("-- This is an empty migration.");
  });

  it("migrate dev --name creates a migration from a schema change and applies it", async () => {
    const repoMigrationsBefore = readdirSync(path.join(PROJECT_ROOT, "prisma/migrations"));
    writeFileSync(
      path.join(workspace, "prisma/schema.prisma"),
      readFileSync(path.join(workspace, "prisma/schema.prisma"), "utf8") + POST_MODEL,
    );

    expectSuccess(await prismaInWorkspace(["migrate", "dev", "--name", "add_posts"]));

    const created = readdirSync(path.join(workspace, "prisma/migrations")).find((name) => name.endsWith("_add_posts"));
    expect(created).toBeDefined();
    expect(readFileSync(path.join(workspace, "prisma/migrations", created!, "migration.sql"), "utf8")).toContain(
      'CREATE TABLE "posts"',
    );
    expect(await tableExists(cluster.ownerUrl, "posts")).toBe(true);
    // The temporary shadow database is gone, and the repository's migrations are untouched.
    const shadows = await queryOne<{ n: number }>(
      cluster.superuserUrl,
      "SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
    );
    expect(shadows.n).toBe(0);
    expect(readdirSync(path.join(PROJECT_ROOT, "prisma/migrations"))).toEqual(repoMigrationsBefore);
  });

  it("applies a migration whose SQL has semicolons inside a function body, in one piece", async () => {
    const dir = path.join(workspace, "prisma/migrations/29990101000000_greeting_function");
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, "migration.sql"),
      "CREATE OR REPLACE FUNCTION greeting(name text) RETURNS text LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 'hello; ' || name;\nEND;\n$$;\n",
    );

    expectSuccess(await prismaInWorkspace(["migrate", "deploy"]));
    expect((await queryOne<{ g: string }>(cluster.ownerUrl, "SELECT greeting('you') AS g")).g).toBe("hello; you");
  });

  it("migrate:revert undoes the last migration, and migrate deploy applies it again", async () => {
    const revert = expectSuccess(await revertInWorkspace());
    expect(revert.stdout).toContain("Reverting 29990101000000_greeting_function");
    // Prisma's schema model has no functions, so there is no SQL to undo; only the record is reverted.
    expect(revert.stdout).toContain("-- This is an empty migration.");
    expect(revert.stdout).toContain("found no schema change to undo");

    // posts is empty: dropping it loses nothing, so no --force and no warning.
    const revertPosts = expectSuccess(await revertInWorkspace());
    expect(revertPosts.stdout).toMatch(/Reverting \d+_add_posts/);
    expect(revertPosts.stdout).toContain('DROP TABLE "public"."posts";');
    expect(revertPosts.stdout).toMatch(
      /Done: \d+_add_posts is no longer applied; `npm run migrate:deploy` applies it again\./,
    );
    expect(revertPosts.stderr).not.toContain("Warning");
    expect(await tableExists(cluster.ownerUrl, "posts")).toBe(false);

    const status = await prismaInWorkspace(["migrate", "status"]);
    expect(status.stdout).toMatch(
      /Following migrations? have not yet been applied:\s+\d+_add_posts\s+29990101000000_greeting_function/,
    );

    const deploy = expectSuccess(await prismaInWorkspace(["migrate", "deploy"]));
    expect(deploy.stdout).toMatch(/_add_posts/);
    expect(await tableExists(cluster.ownerUrl, "posts")).toBe(true);
  });

  it("migrate:revert refuses to drop a table with rows unless --force is given", async () => {
    expectSuccess(await revertInWorkspace()); // greeting_function, applied again above: nothing to lose
    await queryOne(cluster.ownerUrl, "INSERT INTO posts (title) SELECT 'post ' || i FROM generate_series(1, 1500) i");

    const refused = await revertInWorkspace();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'This drops table "posts" (1,500 rows) — the data cannot be restored by migrate:deploy.',
    );
    expect(refused.stderr).toContain("Re-run with --force to accept the loss");
    expect(await countRows(cluster.ownerUrl, "posts")).toBe(1500);
    expect(await isApplied(cluster.ownerUrl, "_add_posts")).toBe(true);

    const forced = expectSuccess(await revertInWorkspace({}, ["--force"]));
    expect(forced.stderr).toContain('This drops table "posts" (1,500 rows)');
    expect(forced.stdout).toMatch(
      /Done: \d+_add_posts is no longer applied; `npm run migrate:deploy` applies the schema again; the dropped data is gone\./,
    );
    expect(await tableExists(cluster.ownerUrl, "posts")).toBe(false);
    expect(await isApplied(cluster.ownerUrl, "_add_posts")).toBe(false);

    expectSuccess(await prismaInWorkspace(["migrate", "deploy"]));
    expect(await countRows(cluster.ownerUrl, "posts")).toBe(0);
  });

  it("migrate:revert counts the values of a dropped column, and ignores a column of NULLs", async () => {
    const dir = path.join(workspace, "prisma/migrations/29990102000000_post_summary");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "migration.sql"), 'ALTER TABLE "posts" ADD COLUMN "summary" TEXT;\n');
    expectSuccess(await prismaInWorkspace(["migrate", "deploy"]));
    await queryOne(cluster.ownerUrl, "INSERT INTO posts (title, summary) VALUES ('a', 'one'), ('b', NULL)");

    const refused = await revertInWorkspace();
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('DROP COLUMN "summary"');
    expect(refused.stderr).toContain('This drops column "posts"."summary" (1 non-null value)');
    expect(await isApplied(cluster.ownerUrl, "_post_summary")).toBe(true);

    await queryOne(cluster.ownerUrl, "UPDATE posts SET summary = NULL");
    expectSuccess(await revertInWorkspace());
    expect(await isApplied(cluster.ownerUrl, "_post_summary")).toBe(false);
    expect(await countRows(cluster.ownerUrl, "posts")).toBe(2);

    rmSync(dir, { recursive: true });
  });

  it("migrate:revert says so when nothing is applied", async () => {
    const empty = withDatabase(cluster.ownerUrl, "tandem_empty");
    await withClient(cluster.ownerUrl, (c) => c.query("CREATE DATABASE tandem_empty"));
    const revert = expectSuccess(await revertInWorkspace({ DATABASE_URL: empty }));
    expect(revert.stdout).toContain("Nothing to revert: no migration is applied to");
  });

  it("migrate deploy creates a missing database first (the engine's create-database)", async () => {
    const url = withDatabase(cluster.ownerUrl, "tandem_created");
    const deploy = expectSuccess(await prisma(["migrate", "deploy"], { DATABASE_URL: url }));
    expect(deploy.stdout).toContain("PostgreSQL database tandem_created created");
    expect(await tableExists(url, "users")).toBe(true);
  });

  it("migrate reset drops the data and re-applies every migration", async () => {
    await queryOne(cluster.ownerUrl, "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");

    expectSuccess(await prismaInWorkspace(["migrate", "reset", "--force"]));

    expect((await queryOne<{ n: number }>(cluster.ownerUrl, "SELECT count(*)::int AS n FROM users")).n).toBe(0);
    expect(await tableExists(cluster.ownerUrl, "posts")).toBe(true);
  });

  it("generate writes the client without any database", async () => {
    const generate = expectSuccess(await prismaInWorkspace(["generate"], { DATABASE_URL: "" }));
    expect(generate.stdout).toContain("Generated Prisma Client");
    expect(existsSync(path.join(workspace, "src/generated/prisma/client.ts"))).toBe(true);
  });

  it("refuses to migrate a replica, with a message that says what to do", async () => {
    const refusal = `Refusing to run migrations against 127.0.0.1:${new URL(replicaUrl).port}/tandem: it is a read replica (in recovery). Point DATABASE_URL at the primary.`;

    const deploy = await prisma(["migrate", "deploy"], { DATABASE_URL: replicaUrl });
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain(refusal);
    expect(deploy.stderr).not.toMatch(ENGINE_CRASH);

    const revert = await revertInWorkspace({ DATABASE_URL: replicaUrl });
    expect(revert.code).toBe(1);
    expect(revert.stderr).toContain(refusal);
  });

  it("reports a wrong password as P1000 and an unreachable server as P1001", async () => {
    const badPassword = await prisma(["migrate", "deploy"], { DATABASE_URL: withPassword(cluster.ownerUrl, "wrong") });
    expect(badPassword.code).toBe(1);
    expect(badPassword.stderr).toContain("P1000: Authentication failed against database server at `127.0.0.1`");
    expect(badPassword.stderr).not.toMatch(ENGINE_CRASH);

    const [closedPort] = await freePorts(1);
    const unreachable = await prisma(["migrate", "status"], {
      DATABASE_URL: `postgresql://tandem:x@127.0.0.1:${closedPort}/tandem`,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`P1001: Can't reach database server at \`127.0.0.1:${closedPort}\``);
    expect(unreachable.stderr).not.toMatch(ENGINE_CRASH);
  });

  // Last: it leaves a failed migration in the workspace.
  it("reports a failing migration as P3018 and applies none of it", async () => {
    const dir = path.join(workspace, "prisma/migrations/39990101000000_broken");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n");

    const deploy = await prismaInWorkspace(["migrate", "deploy"]);
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain("P3018");
    expect(deploy.stderr).toContain("Migration name: 39990101000000_broken");
    expect(deploy.stderr).toContain("function no_such_function() does not exist");
    // One script, one implicit transaction: the statement before the failure is not left behind.
    expect(await tableExists(cluster.ownerUrl, "half_done")).toBe(false);
  });

  it("runs over TLS: the cluster refuses plain TCP, so the commands above were encrypted; without sslmode it is refused", async () => {
    expect(new URL(cluster.primaryUrl).searchParams.get("sslmode")).toBe("verify-full");
    const plain = await prisma(["migrate", "status"], { DATABASE_URL: cluster.primaryUrl.replace(/\?.*$/, "") });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("P1010: User `tandem` was denied access on the database `tandem`");
  });

  it("uses a SHADOW_DATABASE_URL over TLS too (its own parsed TLS options, not the main database's)", async () => {
    await queryOne(cluster.superuserUrl, "CREATE DATABASE shadow_over_tls OWNER tandem");
    const shadowUrl = cluster.primaryUrl.replace("/tandem?", "/shadow_over_tls?");
    const diff = expectSuccess(
      await prisma(
        [
          "migrate",
          "diff",
          "--from-migrations",
          "prisma/migrations",
          "--to-schema",
          "prisma/schema.prisma",
          "--script",
        ],
        { SHADOW_DATABASE_URL: shadowUrl },
      ),
    );
    expect(diff.stdout).toContain("-- This is an empty migration.");
    // The migrations were replayed into the shadow database, not the main one.
    expect(await tableExists(shadowUrl, "users")).toBe(true);
  });

  it("refuses a server whose certificate another CA signed, fast, as P1011", async () => {
    const otherCa = path.join(workspace, "other-ca.crt");
    writeFileSync(otherCa, (await createCertificateAuthority("Not this cluster's CA")).certificate);
    const started = performance.now();
    const status = await prisma(["migrate", "status"], {
      DATABASE_URL: cluster.primaryUrl.replace(/sslrootcert=[^&]*/, `sslrootcert=${otherCa}`),
    });
    expect(status.code).toBe(1);
    expect(status.stderr).toContain("P1011: Error opening a TLS connection: unable to verify the first certificate");
    expect(performance.now() - started).toBeLessThan(30_000); // the CLI's start-up on a loaded box; tls.test.ts bounds the handshake itself
    const missing = await prisma(["migrate", "status"], {
      DATABASE_URL: cluster.primaryUrl.replace(/sslrootcert=[^&]*/, "sslrootcert=/nonexistent/ca.crt"),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("sslrootcert (/nonexistent/ca.crt) cannot be read: ENOENT");
  });

  it("tells the user how to get a database when none is configured", async () => {
    const deploy = await prisma(["migrate", "deploy"], { DATABASE_URL: "" });
    expect(deploy.code).toBe(1);
    expect(deploy.stderr).toContain("No database to migrate: set DATABASE_URL");
    expect(deploy.stderr).toContain("npm run db:up");
  });
});
