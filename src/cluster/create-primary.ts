/**
 * Creating the primary: initdb with scram authentication, the shared configuration, and the roles the
 * cluster is built on.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fchownSync, openSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ClusterState, clientNetworksOf, type NodeState, primaryOf } from "../replication/state";
import { ownSettings, socketDirOf, writeNodeSettings, writeSharedConfig } from "./config-files";
import { adminUrl, type ClusterContext, handleOf, logFileOf, saveState } from "./context";
import { installMonitorFunctions } from "./monitor-functions";
import { type ClusterNetwork, whereItListens } from "./node-network";
import { runPgBinary, startNode } from "./node-process";
import { chownTree, ensureOwnedDir } from "./placement";
import { grantRuntimePrivileges, OWNER_ROLE, provisionAppRoles } from "./roles";
import { literal, withClient } from "./sql";
import { createClusterCa, installServerCertificate } from "./tls";

export interface PrimarySpec {
  port: number;
  replicas: number;
  name?: string;
  network?: ClusterNetwork;
}

export async function createPrimary(ctx: ClusterContext, spec: PrimarySpec): Promise<ClusterState> {
  const name = spec.name ?? "primary";
  const node: NodeState = {
    name,
    role: "primary",
    port: spec.port,
    dataDir: path.join(ctx.nodesDir, name),
    ...spec.network?.nodes[name],
  };
  const socketDir = socketDirOf(ctx.nodesDir);
  const state: ClusterState = {
    version: 1,
    host: "127.0.0.1",
    database: "tandem",
    basePort: spec.port,
    targetReplicas: spec.replicas,
    superuser: { user: "postgres", password: newPassword() },
    app: { user: "tandem", password: newPassword() },
    owner: { user: OWNER_ROLE, password: newPassword() },
    replicator: { user: "replicator", password: newPassword() },
    socketDir,
    nodes: [node],
    ...(spec.network ? { clientNetworks: spec.network.clientNetworks } : {}),
  };

  ctx.log(`${name}: initdb (PostgreSQL 16, scram-sha-256) in ${node.dataDir}`);
  // No state file yet, so a directory here is the debris of a creation interrupted before it was
  // recorded (Ctrl-C during initdb): nothing in it was ever used. Start over.
  rmSync(node.dataDir, { recursive: true, force: true });
  ensureOwnedDir(node.dataDir, ctx.runAs);
  ensureOwnedDir(path.dirname(logFileOf(ctx, name)), ctx.runAs, 0o755);
  initdb(ctx, node.dataDir, state.superuser.password);
  ensureOwnedDir(socketDir, ctx.runAs, 0o700);
  writeSharedConfig(node.dataDir, socketDir, clientNetworksOf(state));
  writeNodeSettings(node.dataDir, ownSettings(node), ctx.runAs);
  state.tls = await createClusterCa(ctx);
  await installServerCertificate(ctx, state, node);
  chownTree(node.dataDir, ctx.runAs);
  // Recorded as soon as the data directory exists, so a failure below leaves a cluster db:up can resume
  // or db:clean can remove, never an orphaned directory.
  saveState(ctx, state);

  ctx.log(`${name}: starting on ${whereItListens(node)}`);
  await startNode(ctx, handleOf(ctx, node));

  await provisionRoles(ctx, state);
  return state;
}

/**
 * The roles and the app database (./roles.ts says what each role may do), created if missing:
 * idempotent, so `db:up` can run it on every start and finish a creation that was interrupted after the
 * state file was written. Saves the state when it gained credentials (an older cluster's owner role).
 */
export async function provisionRoles(ctx: ClusterContext, state: ClusterState): Promise<void> {
  const hadOwner = state.owner !== undefined;
  await withClient(adminUrl(state, primaryOf(state)), async (client) => {
    const exists = async (sql: string, name: string) => (await client.query(sql, [name])).rowCount === 1;
    const { replicator } = state;
    if (!(await exists("SELECT 1 FROM pg_roles WHERE rolname = $1", replicator.user))) {
      ctx.log(`creating role '${replicator.user}' (REPLICATION LOGIN: what replicas stream with)`);
      await client.query(
        `CREATE ROLE ${replicator.user} WITH REPLICATION LOGIN PASSWORD ${literal(replicator.password)}`,
      );
    }
    await provisionAppRoles(client, state, ctx.log);
  });
  if (!hadOwner) saveState(ctx, state);
  await withClient(adminUrl(state, primaryOf(state), state.database), (client) =>
    grantRuntimePrivileges(client, state),
  );
  await installMonitorFunctions(state);
}

function initdb(ctx: ClusterContext, dataDir: string, superuserPassword: string): void {
  // initdb reads the password from a file that the server user must be able to read. It sits beside the
  // node directories, not in /tmp: a `db:up` killed during initdb leaves it in this cluster's own
  // directory (never in a shared place for good), where the next `db:up` replaces and deletes it.
  // As root, that directory can belong to the server's OS user, who could plant a symlink there: so
  // whatever is at the path goes first, and the file is created exclusively ("wx": O_EXCL never follows
  // a symlink) and handed over through its descriptor, never by path.
  const pwfile = path.join(path.dirname(dataDir), ".initdb-pwfile");
  try {
    rmSync(pwfile, { force: true });
    const fd = openSync(pwfile, "wx", 0o600);
    try {
      if (ctx.runAs.switchUser) fchownSync(fd, ctx.runAs.uid, ctx.runAs.gid);
      writeFileSync(fd, `${superuserPassword}\n`);
    } finally {
      closeSync(fd);
    }
    runPgBinary(
      ctx,
      ctx.binaries.initdb,
      [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "-A",
        "scram-sha-256",
        `--pwfile=${pwfile}`,
        "-E",
        "UTF8",
        "--no-locale",
        "--no-instructions",
      ],
      "initdb",
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** URL-safe, so it needs no escaping in connection strings or conninfo. */
function newPassword(): string {
  return randomBytes(18).toString("base64url");
}
