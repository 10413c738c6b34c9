/**
 * Creating the primary: initdb with scram authentication, the shared configuration, and the three
 * roles the cluster is built on.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeNodeSettings, writeSharedConfig } from "./config-files";
import { type ClusterContext, adminUrl, handleOf, logFileOf, saveState } from "./context";
import { runPgBinary, startNode } from "./node-process";
import { chownTree, ensureOwnedDir } from "./placement";
import { literal, withClient } from "./sql";
import type { ClusterState } from "./state";

export interface PrimarySpec {
  port: number;
  name?: string;
}

export async function createPrimary(ctx: ClusterContext, spec: PrimarySpec): Promise<ClusterState> {
  const name = spec.name ?? "primary";
  const node = { name, role: "primary" as const, port: spec.port, dataDir: path.join(ctx.nodesDir, name) };
  const state: ClusterState = {
    version: 1,
    host: "127.0.0.1",
    database: "tandem",
    basePort: spec.port,
    superuser: { user: "postgres", password: newPassword() },
    app: { user: "tandem", password: newPassword() },
    replicator: { user: "replicator", password: newPassword() },
    nodes: [node],
  };

  ctx.log(`${name}: initdb (PostgreSQL 16, scram-sha-256) in ${node.dataDir}`);
  ensureOwnedDir(node.dataDir, ctx.runAs);
  ensureOwnedDir(path.dirname(logFileOf(ctx, name)), ctx.runAs, 0o755);
  initdb(ctx, node.dataDir, state.superuser.password);
  writeSharedConfig(node.dataDir);
  writeNodeSettings(node.dataDir, { port: node.port });
  chownTree(node.dataDir, ctx.runAs);
  // Recorded as soon as the data directory exists, so a failure below leaves a cluster db:up can resume
  // or db:clean can remove, never an orphaned directory.
  saveState(ctx, state);

  ctx.log(`${name}: starting on port ${node.port}`);
  await startNode(ctx, handleOf(ctx, node));

  ctx.log(`${name}: creating roles '${state.replicator.user}' (replication), '${state.app.user}' (app) and database '${state.database}'`);
  await withClient(adminUrl(state, node), async (client) => {
    await client.query(`CREATE ROLE ${state.replicator.user} WITH REPLICATION LOGIN PASSWORD ${literal(state.replicator.password)}`);
    // CREATEDB: Prisma Migrate creates a temporary shadow database for `migrate dev`.
    // pg_monitor: the app reads replication and WAL-receiver statistics to route reads by lag.
    await client.query(`CREATE ROLE ${state.app.user} WITH LOGIN CREATEDB PASSWORD ${literal(state.app.password)}`);
    await client.query(`GRANT pg_monitor TO ${state.app.user}`);
    await client.query(`CREATE DATABASE ${state.database} OWNER ${state.app.user}`);
  });
  return state;
}

function initdb(ctx: ClusterContext, dataDir: string, superuserPassword: string): void {
  // initdb reads the password from a file; it must be readable by the server user and gone afterwards.
  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-initdb-"));
  const pwfile = path.join(dir, "pwfile");
  try {
    writeFileSync(pwfile, `${superuserPassword}\n`, { mode: 0o600 });
    chownTree(dir, ctx.runAs);
    runPgBinary(
      ctx,
      ctx.binaries.initdb,
      ["-D", dataDir, "-U", "postgres", "-A", "scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--no-locale", "--no-instructions"],
      "initdb",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** URL-safe, so it needs no escaping in connection strings or conninfo. */
function newPassword(): string {
  return randomBytes(18).toString("base64url");
}
