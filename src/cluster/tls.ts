/**
 * The embedded cluster's TLS: where its certificates live, how a node gets one, how an older cluster is
 * upgraded and how server certificates are rotated.
 *
 *   <data root>/tls/ca.key        the cluster CA's private key (0600, the cluster manager's user only)
 *   <nodes dir>/tls/ca.crt        the CA certificate: sslrootcert for the app, Prisma and the replicas
 *   <PGDATA>/server.crt, .key     each node's own certificate and key (0600, the server's OS user)
 * (<nodes dir> is the data root unless the server's OS user cannot reach it; see placement.ts.)
 *
 * Every change to a running node is a reload, never a restart: PostgreSQL re-reads its certificate, key,
 * `ssl` and pg_hba.conf on SIGHUP, open connections keep their session, new ones get the new settings.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type ClusterState,
  clientNetworksOf,
  hostOf,
  type NodeState,
  primaryOf,
  replicasOf,
} from "../replication/state";
import { SERVER_CERT_FILE, SERVER_KEY_FILE } from "../replication/tls-settings";
import {
  type CertificatePair,
  createCertificateAuthority,
  describeCertificate,
  expiresWithin,
  issueServerCertificate,
  RENEW_WITHIN_DAYS,
} from "./certificates";
import { pgHba, replicaConninfo, rewriteSharedConfig, tandemConf } from "./config-files";
import {
  adminUrl,
  type ClusterContext,
  type ContextOptions,
  exclusively,
  handleOf,
  openContext,
  requireState,
  saveState,
} from "./context";
import { isRunning } from "./node-process";
import { literal, withClient } from "./sql";
import { servedCertificate } from "./tls-probe";
import { waitFor } from "./wait-for";

// turbopackIgnore: run-time paths; traced by Next they would pull the whole project (and the CA's key)
// into a standalone build, as the app's import of the cluster manager (promote) reaches this module.
export function rootCertPath(ctx: Pick<ClusterContext, "nodesDir">): string {
  return path.join(/* turbopackIgnore: true */ ctx.nodesDir, "tls", "ca.crt");
}

export function caKeyPath(ctx: Pick<ClusterContext, "root">): string {
  return path.join(/* turbopackIgnore: true */ ctx.root, "tls", "ca.key");
}

/** A new CA for a new cluster (or one being upgraded); returns what the state file records. */
export async function createClusterCa(ctx: ClusterContext): Promise<NonNullable<ClusterState["tls"]>> {
  const ca = await createCertificateAuthority(
    `Tandem cluster CA (${path.basename(path.dirname(ctx.root)) || "tandem"})`,
  );
  mkdirSync(path.dirname(caKeyPath(ctx)), { recursive: true, mode: 0o700 });
  writeAtomically(caKeyPath(ctx), ca.privateKey, 0o600);
  mkdirSync(path.dirname(rootCertPath(ctx)), { recursive: true, mode: 0o755 });
  chmodSync(path.dirname(rootCertPath(ctx)), 0o755); // the servers' OS user reads ca.crt for replication
  writeAtomically(rootCertPath(ctx), ca.certificate, 0o644);
  ctx.log(`TLS: created the cluster's CA (${rootCertPath(ctx)}; its key ${caKeyPath(ctx)})`);
  return { rootCert: rootCertPath(ctx) };
}

/** Issues `node` a fresh certificate for every name a client may dial it by, and writes it into its PGDATA. */
export async function installServerCertificate(
  ctx: ClusterContext,
  state: ClusterState,
  node: NodeState,
): Promise<void> {
  const pair = await issueServerCertificate(loadCa(ctx, state), `${node.name} (Tandem)`, [
    "127.0.0.1",
    "localhost",
    hostOf(state, node),
  ]);
  // Key first: a reload that lands between the two renames sees the old certificate with a new key,
  // which PostgreSQL rejects while keeping its current pair; the reverse order is no better, and the
  // reload that follows sees both.
  writeServerFile(ctx, node, SERVER_KEY_FILE, pair.privateKey, 0o600);
  writeServerFile(ctx, node, SERVER_CERT_FILE, pair.certificate, 0o644);
}

/**
 * `db:up`'s step: a cluster without TLS gets its CA, certificates, settings and pg_hba.conf; a node
 * missing any of them (an upgrade interrupted half-way) gets them; a certificate about to expire is
 * renewed. Running nodes are reloaded; stopped ones pick it all up when they start.
 */
export async function ensureTls(ctx: ClusterContext, state: ClusterState): Promise<void> {
  if (!state.tls) {
    ctx.log(
      "TLS: this cluster was created without TLS; upgrading it (certificates, ssl = on, pg_hba.conf hostssl only, reloads; no restart, no data touched)",
    );
    state.tls = await createClusterCa(ctx);
    saveState(ctx, state);
  }
  for (const node of nodesInReloadOrder(state)) {
    const due = whatIsDue(state, node);
    if (!due) continue;
    ctx.log(`${node.name}: TLS: ${due.reason}`);
    await applyToNode(ctx, state, node, due);
  }
}

/** `db:certs -- rotate`: new server certificates for every node, the running ones reloaded and checked. */
export async function rotateServerCertificates(options: ContextOptions = {}): Promise<CertificateRow[]> {
  const ctx = openContext(options);
  return exclusively(ctx, async () => {
    const state = requireState(ctx);
    if (!state.tls)
      throw new Error(
        "This cluster was created without TLS, so it has no certificates to rotate.\n  Fix: run `npm run db:up`, which upgrades it to TLS.",
      );
    for (const node of nodesInReloadOrder(state)) {
      await applyToNode(ctx, state, node, { certificate: true, config: false, reason: "new server certificate" });
    }
    return certificateRows(ctx, state);
  });
}

export interface CertificateRow {
  node: string;
  role: string;
  file: string;
  serialNumber: string;
  notAfter: string;
  names: string;
  /** What the running node presents now: `same` as its file, `other` (not reloaded yet), or `not running`. */
  served: "same" | "other" | "not running";
}

/** `db:certs`: each node's certificate file and whether the running node serves it. */
export async function listCertificates(options: ContextOptions = {}): Promise<CertificateRow[]> {
  const ctx = openContext(options);
  const state = requireState(ctx);
  if (!state.tls)
    throw new Error("This cluster was created without TLS.\n  Fix: run `npm run db:up`, which upgrades it to TLS.");
  return certificateRows(ctx, state);
}

async function certificateRows(ctx: ClusterContext, state: ClusterState): Promise<CertificateRow[]> {
  const rows: CertificateRow[] = [];
  for (const node of nodesInReloadOrder(state)) {
    const file = path.join(node.dataDir, SERVER_CERT_FILE);
    const summary = describeCertificate(readFileSync(file, "utf8"));
    let served: CertificateRow["served"] = "not running";
    if (isRunning(ctx, handleOf(ctx, node))) {
      const peer = await servedCertificate(hostOf(state, node), node.port, readFileSync(state.tls!.rootCert, "utf8"));
      served = sameSerial(peer.serialNumber, summary.serialNumber) ? "same" : "other";
    }
    rows.push({
      node: node.name,
      role: node.role,
      file,
      serialNumber: summary.serialNumber,
      notAfter: summary.notAfter.toISOString(),
      names: summary.names.join(", "),
      served,
    });
  }
  return rows;
}

interface Due {
  certificate: boolean;
  config: boolean;
  reason: string;
}

function whatIsDue(state: ClusterState, node: NodeState): Due | undefined {
  const certFile = path.join(node.dataDir, SERVER_CERT_FILE);
  const missing = !existsSync(certFile) || !existsSync(path.join(node.dataDir, SERVER_KEY_FILE));
  const expiring = !missing && expiresWithin(readFileSync(certFile, "utf8"), RENEW_WITHIN_DAYS);
  const config = !hasTlsConfig(state, node);
  if (!missing && !expiring && !config) return undefined;
  const reason = missing
    ? "issuing its certificate"
    : expiring
      ? `renewing its certificate (it expires within ${RENEW_WITHIN_DAYS} days)`
      : "";
  return {
    certificate: missing || expiring,
    config,
    reason: [reason, config ? "writing ssl settings and a hostssl-only pg_hba.conf" : ""].filter(Boolean).join("; "),
  };
}

/** The node's files say TLS as this version writes it (a replica: also its primary_conninfo). */
function hasTlsConfig(state: ClusterState, node: NodeState): boolean {
  const read = (name: string) =>
    existsSync(path.join(node.dataDir, name)) ? readFileSync(path.join(node.dataDir, name), "utf8") : "";
  const conninfo =
    node.role !== "replica" || /primary_conninfo = '[^\n]*sslmode=verify-full/.test(read("postgresql.auto.conf"));
  return (
    read("tandem.conf") === tandemConf(state.socketDir) &&
    read("pg_hba.conf") === pgHba(state.socketDir, clientNetworksOf(state)) &&
    conninfo
  );
}

/**
 * Writes what is due into the node's files, then, if it runs, reloads it (a replica is first re-pointed
 * over TLS) and waits until it presents the certificate on disk. The primary goes first, so a replica's
 * WAL receiver, restarted by its reload, finds a primary that speaks TLS.
 */
async function applyToNode(ctx: ClusterContext, state: ClusterState, node: NodeState, due: Due): Promise<void> {
  const running = isRunning(ctx, handleOf(ctx, node));
  // Connect before anything changes: during an upgrade the node may still accept plain connections only.
  await (running ? withNodeAdmin(state, node, (client) => change(client)) : change(undefined));

  async function change(client: import("pg").Client | undefined): Promise<void> {
    if (due.certificate) await installServerCertificate(ctx, state, node);
    if (due.config) rewriteSharedConfig(node.dataDir, state.socketDir, clientNetworksOf(state));
    if (!client) return;
    if (due.config && node.role === "replica") {
      await client.query(
        `ALTER SYSTEM SET primary_conninfo = ${literal(replicaConninfo(ctx, state, node.name, primaryOf(state)))}`,
      );
    }
    await client.query("SELECT pg_reload_conf()");
  }
  if (!running) return;
  const expected = describeCertificate(readFileSync(path.join(node.dataDir, SERVER_CERT_FILE), "utf8")).serialNumber;
  const ca = readFileSync(state.tls!.rootCert, "utf8");
  await waitFor(
    `${node.name} to serve its new certificate after a reload (see ${handleOf(ctx, node).logFile})`,
    async () =>
      sameSerial((await servedCertificate(hostOf(state, node), node.port, ca)).serialNumber, expected)
        ? true
        : undefined,
    { timeoutMs: 15_000, intervalMs: 50, progress: ctx.progress },
  );
  ctx.log(`${node.name}: reloaded; serves certificate ${expected}`);
}

/**
 * A superuser session on the node over TLS, or in plain text if the node does not speak TLS yet (an
 * upgrade: nothing secret crosses that loopback connection that the old configuration did not already send).
 */
async function withNodeAdmin<T>(
  state: ClusterState,
  node: NodeState,
  run: (client: import("pg").Client) => Promise<T>,
): Promise<T> {
  try {
    return await withClient(adminUrl(state, node), run);
  } catch (error) {
    if (!/does not support SSL/i.test(String((error as Error).message))) throw error;
    return withClient(adminUrl({ ...state, tls: undefined }, node), run);
  }
}

/** The primary, then the replicas, never a fenced node (it never starts again). */
function nodesInReloadOrder(state: ClusterState): NodeState[] {
  return [primaryOf(state), ...replicasOf(state)];
}

function loadCa(ctx: ClusterContext, state: ClusterState): CertificatePair {
  const keyFile = caKeyPath(ctx);
  const certFile = state.tls?.rootCert ?? rootCertPath(ctx);
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    throw new Error(
      `The cluster's CA is missing (${existsSync(certFile) ? keyFile : certFile}), so no server certificate can be issued.\n` +
        "  Fix: restore it from a backup; or remove `tls` from cluster.json and run `npm run db:up`, which creates a new CA (clients must then trust the new ca.crt).",
    );
  }
  return { certificate: readFileSync(certFile, "utf8"), privateKey: readFileSync(keyFile, "utf8") };
}

function writeServerFile(ctx: ClusterContext, node: NodeState, name: string, content: string, mode: number): void {
  writeAtomically(path.join(node.dataDir, name), content, mode, ctx.runAs.switchUser ? ctx.runAs : undefined);
}

/** Temp file + rename, so a reader never sees half a key; owner and mode set before it takes the name. */
function writeAtomically(file: string, content: string, mode: number, owner?: { uid: number; gid: number }): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  if (owner) chownSync(tmp, owner.uid, owner.gid);
  renameSync(tmp, file);
}

/** Node prints serials as upper-case hex, x509 libraries as lower-case, either may keep a leading zero. */
function sameSerial(a: string, b: string): boolean {
  return a.toLowerCase().replace(/^0+/, "") === b.toLowerCase().replace(/^0+/, "");
}
