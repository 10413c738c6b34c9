/**
 * The configuration every node carries. Settings shared by all nodes live in `tandem.conf` (copied to
 * replicas by the base backup, so after a promote any node is already configured as a primary);
 * settings of one node (port, where it streams from) live in `postgresql.auto.conf`, the file
 * ALTER SYSTEM edits, so a promote can re-point a running replica without touching files by hand.
 */
import { appendFileSync, chmodSync, chownSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ClusterState, DEFAULT_CLIENT_NETWORKS, hostOf, type NodeState } from "../replication/state";
import { TLS_SETTINGS, tlsConninfo } from "../replication/tls-settings";
import type { ClusterContext } from "./context";
import type { RunAs } from "./os-user";
import { literal } from "./sql";

export const SHARED_SETTINGS = `# Written by Tandem's cluster manager (src/cluster). Shared by every node of the cluster.
listen_addresses = '127.0.0.1'
password_encryption = 'scram-sha-256'
max_connections = 100
shared_buffers = '32MB'               # a 2-core dev box runs three of these

# Streaming replication
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
max_slot_wal_keep_size = '1GB'        # a dead replica's slot cannot fill the disk
hot_standby = on
hot_standby_feedback = on             # replica queries do not get cancelled by vacuum on the primary
wal_receiver_status_interval = '1s'   # lag figures on the primary stay fresh
wal_sender_timeout = '10s'            # a vanished replica is noticed in seconds
wal_retrieve_retry_interval = '1s'    # replicas reconnect within ~1 s after a primary restart
recovery_target_timeline = 'latest'   # follow a promoted primary onto its new timeline

# Logging (pg_ctl -l collects stderr)
log_line_prefix = '%m [%p] %q%a '
log_min_messages = warning

${TLS_SETTINGS}`;

/**
 * First match wins. TLS only over the network: no `hostssl` line matches a plain connection, which
 * PostgreSQL refuses ("no pg_hba.conf entry … no encryption"). The replicator only streams. With the
 * cluster's private socket directory (every cluster made since it exists), the superuser comes in only
 * through it (the cluster manager); an older cluster's superuser keeps its TCP line until it is recreated.
 * `networks` are where clients and replicas connect from (127.0.0.1 unless nodes have addresses of their own).
 */
export function pgHba(socketDir: string | undefined, networks: string[] = DEFAULT_CLIENT_NETWORKS): string {
  const lines = (line: (network: string) => string) =>
    networks.map((network) => `${line(network.padEnd(14))}\n`).join("");
  const superuser = socketDir
    ? `local   all          postgres                   scram-sha-256\n${lines((n) => `host    all          postgres    ${n} reject`)}`
    : "";
  return `# Written by Tandem's cluster manager (src/cluster).
# TYPE  DATABASE     USER        ADDRESS        METHOD
${superuser}${lines((n) => `hostssl replication  replicator  ${n} scram-sha-256`)}${lines((n) => `host    all          replicator  ${n} reject`)}${lines((n) => `hostssl all          all         ${n} scram-sha-256`)}`;
}

/** tandem.conf: the shared settings, and the socket directory when the cluster has its own. */
export function tandemConf(socketDir: string | undefined): string {
  if (!socketDir) return SHARED_SETTINGS;
  // The directory is the cluster's own (a base backup copies the line to replicas; each node's socket
  // file is named after its port, so they share it).
  return `${SHARED_SETTINGS}
# The superuser's only way in (pg_hba.conf): a socket in a directory only the server's OS user can enter
unix_socket_directories = ${literal(socketDir)}
unix_socket_permissions = 0700
`;
}

export function writeSharedConfig(dataDir: string, socketDir: string, networks: string[]): void {
  rewriteSharedConfig(dataDir, socketDir, networks);
  appendFileSync(path.join(dataDir, "postgresql.conf"), "\ninclude = 'tandem.conf'\n");
}

/** tandem.conf and pg_hba.conf as this version writes them (also how `db:up` upgrades an older cluster). */
export function rewriteSharedConfig(dataDir: string, socketDir: string | undefined, networks: string[]): void {
  writeFileSync(path.join(dataDir, "tandem.conf"), tandemConf(socketDir));
  writeFileSync(path.join(dataDir, "pg_hba.conf"), pgHba(socketDir, networks));
}

/** sun_path holds 107 bytes; the socket file's name (.s.PGSQL.65535) takes 15 of them with its slash. */
const MAX_SOCKET_DIR_BYTES = 92;

/** Where the cluster's private socket directory is, or would be (an older cluster has none). */
export function socketDirPath(nodesDir: string): string {
  return path.join(nodesDir, "run");
}

/** The cluster's private socket directory, under its node directories. */
export function socketDirOf(nodesDir: string): string {
  const dir = socketDirPath(nodesDir);
  if (Buffer.byteLength(dir) > MAX_SOCKET_DIR_BYTES) {
    throw new Error(
      `The cluster's socket directory ${dir} is longer than the ${MAX_SOCKET_DIR_BYTES} bytes a Unix socket path allows.\n  Fix: use a shorter data root (TANDEM_DATA_DIR).`,
    );
  }
  return dir;
}

/**
 * Where replicas find the replicator's password: a libpq passfile, not the conninfo string, because
 * PostgreSQL logs every changed setting with its value ("parameter primary_conninfo changed to …"), and
 * server logs get pasted into bug reports.
 */
export function replicationPassfile(nodesDir: string): string {
  return path.join(nodesDir, "replication.pgpass");
}

export function writeReplicationPassfile(nodesDir: string, state: ClusterState, runAs: RunAs): string {
  const file = replicationPassfile(nodesDir);
  // Fields: host:port:database:user:password; streaming connections use the pseudo-database "replication".
  writeFileSync(file, `*:*:replication:${state.replicator.user}:${state.replicator.password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // libpq ignores a passfile others can read
  if (runAs.switchUser) chownSync(file, runAs.uid, runAs.gid);
  return file;
}

/** The conninfo a replica streams with, its passfile (re)written so the password it names is current. */
export function replicaConninfo(
  ctx: Pick<ClusterContext, "nodesDir" | "runAs">,
  state: ClusterState,
  replicaName: string,
  primary: NodeState,
): string {
  const passfile = writeReplicationPassfile(ctx.nodesDir, state, ctx.runAs);
  return primaryConninfo(state, primary, replicaName, passfile);
}

export function primaryConninfo(
  state: ClusterState,
  primary: NodeState,
  replicaName: string,
  passfile: string,
): string {
  const tls = state.tls ? ` ${tlsConninfo(state.tls.rootCert)}` : "";
  return `host=${hostOf(state, primary)} port=${primary.port} user=${state.replicator.user} passfile=${passfile} application_name=${replicaName}${tls}`;
}

/**
 * What only this node says (postgresql.auto.conf): its port and, when it has an address of its own, that
 * address instead of the shared 127.0.0.1 (the file is read after tandem.conf, so it wins).
 */
export function ownSettings(node: Pick<NodeState, "port" | "host">): Record<string, string | number> {
  return { port: node.port, ...(node.host ? { listen_addresses: node.host } : {}) };
}

/**
 * The node's own settings, written whole (a replica's copy of the primary's file must not survive) and
 * owned by the server's OS user, as ALTER SYSTEM will rewrite it.
 */
export function writeNodeSettings(dataDir: string, settings: Record<string, string | number>, runAs: RunAs): void {
  const lines = Object.entries(settings).map(
    ([key, value]) => `${key} = ${typeof value === "number" ? value : literal(value)}`,
  );
  const file = path.join(dataDir, "postgresql.auto.conf");
  writeFileSync(
    file,
    `# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\n${lines.join("\n")}\n`,
    { mode: 0o600 },
  );
  if (runAs.switchUser) chownSync(file, runAs.uid, runAs.gid);
}
