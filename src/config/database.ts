/**
 * Which database the app, Prisma and the cluster CLI use, and what its nodes are called: decided here
 * only. The app validates the result (./parse-env.ts), prisma.config.ts asks `migrationUrl`, the cluster
 * CLI asks `urlTargetOf`, the home page `namedNodes`.
 *
 *  - DATABASE_TOPOLOGY=static (the default with DATABASE_URL): DATABASE_URL and DATABASE_REPLICA_URLS;
 *  - embedded (the default without): the cluster `npm run db:up` made, from its state file;
 *  - dns: every address of DATABASE_DNS_NAME is a node, DATABASE_URL the credentials template;
 *  - patroni: the members Patroni's REST API (PATRONI_URLS) lists, DATABASE_URL the credentials template.
 */
// Relative imports: prisma.config.ts loads this file, and Prisma's config loader knows no `~/` alias.
import type { ClusterUrls } from "../replication/urls";
import { type EnvSource, isSet, splitList, unlessBlank } from "./env-values";

export const TOPOLOGY_KINDS = ["static", "embedded", "dns", "patroni"] as const;
export type TopologyKind = (typeof TOPOLOGY_KINDS)[number];

export interface DnsName {
  host: string;
  port: number;
}

export type TopologyChoice =
  | { kind: "static" }
  /** `dataRoot` undefined: the default one (./.tandem, or TANDEM_DATA_DIR). */
  | { kind: "embedded"; dataRoot?: string }
  | { kind: "dns"; name: DnsName }
  | { kind: "patroni"; apiUrls: string[] };

export interface DatabaseConfig {
  /** Where the URLs came from: the embedded cluster's state file, or the environment. */
  source: "embedded" | "environment";
  /** How the node set is found and followed at run time; unset means static. */
  topology?: TopologyChoice;
  /** The primary (static, embedded: at start), or the credentials template (dns, patroni). */
  primaryUrl: string;
  /** Empty when there are no replicas, and for dns and patroni, whose nodes are discovered. */
  replicaUrls: string[];
  /** The embedded cluster's own names, [primary, ...replicas]; unset: primary, replica1, … in order. */
  names?: string[];
}

/** The embedded cluster's URLs, or undefined when none exists. Called only when it is needed. */
export type EmbeddedLookup = () => Omit<ClusterUrls, "migration"> | undefined;

export interface NamedNode {
  name: string;
  role: "primary" | "replica";
  url: string;
}

/**
 * What nodes given by URL are called, in configuration order. The app and the cluster manager's status
 * and verify both name them so, so their views line up by name (and docker/ names its replicas so).
 */
export function positionalNames(replicas: number): string[] {
  return ["primary", ...Array.from({ length: replicas }, (_, i) => `replica${i + 1}`)];
}

/** The nodes of a URL configuration as everyone names them (the cluster manager names URL nodes the same way). */
export function namedNodes(database: Pick<DatabaseConfig, "primaryUrl" | "replicaUrls" | "names">): NamedNode[] {
  const names = database.names ?? positionalNames(database.replicaUrls.length);
  return [
    { name: names[0], role: "primary", url: database.primaryUrl },
    ...database.replicaUrls.map((url, i): NamedNode => ({ name: names[i + 1], role: "replica", url })),
  ];
}

/** DATABASE_DNS_NAME: `host[:port]`, port 5432 when absent; undefined when it is not that. */
export function parseDnsName(value: string): DnsName | undefined {
  const match = /^([^:\s/]+)(?::(\d{1,5}))?$/.exec(value.trim());
  const port = match?.[2] === undefined ? 5432 : Number(match[2]);
  return match && port >= 1 && port <= 65_535 ? { host: match[1], port } : undefined;
}

export type DatabaseChoice = { database: DatabaseConfig } | { problem: string };

/**
 * Looks only at which variables are set and at DATABASE_TOPOLOGY (parse-env judges the values and
 * reports them too), so it can run, and report, even when a value is invalid.
 */
export function chooseDatabase(env: EnvSource, embedded: EmbeddedLookup): DatabaseChoice {
  const url = unlessBlank(env.DATABASE_URL) as string | undefined;
  const declared = unlessBlank(env.DATABASE_TOPOLOGY) as string | undefined;
  const kind = declared ?? (url ? "static" : "embedded");
  const replicaUrls = splitList(env.DATABASE_REPLICA_URLS);
  if (kind === "static") {
    if (url) return { database: { source: "environment", topology: { kind: "static" }, primaryUrl: url, replicaUrls } };
    if (replicaUrls.length > 0)
      return { problem: "DATABASE_REPLICA_URLS is set but DATABASE_URL is not: set DATABASE_URL to the primary's URL" };
    return {
      problem: "DATABASE_TOPOLOGY=static needs DATABASE_URL (the primary) and optionally DATABASE_REPLICA_URLS",
    };
  }
  if (kind === "dns" || kind === "patroni") {
    const needs = kind === "dns" ? "DATABASE_DNS_NAME" : "PATRONI_URLS";
    const missing = [
      !url && "DATABASE_URL (the credentials template: user, password, database, TLS parameters)",
      !isSet(env[needs]) && needs,
    ].filter(Boolean);
    if (missing.length > 0) return { problem: `DATABASE_TOPOLOGY=${kind} needs ${missing.join(" and ")}` };
    if (replicaUrls.length > 0)
      return {
        problem: `DATABASE_REPLICA_URLS is not used with DATABASE_TOPOLOGY=${kind} (the nodes are discovered): unset it`,
      };
    const topology: TopologyChoice =
      kind === "dns"
        ? { kind, name: parseDnsName(env.DATABASE_DNS_NAME as string) ?? { host: "", port: 5432 } }
        : { kind, apiUrls: splitList(env.PATRONI_URLS) };
    return { database: { source: "environment", topology, primaryUrl: url as string, replicaUrls: [] } };
  }
  if (kind !== "embedded") return { problem: `must be one of ${TOPOLOGY_KINDS.join(", ")}` }; // stage 1 tells it, under the variable's name
  if (declared && (url || replicaUrls.length > 0))
    return {
      problem:
        "DATABASE_TOPOLOGY=embedded takes its URLs from the cluster's state file: unset DATABASE_URL and DATABASE_REPLICA_URLS",
    };
  if (replicaUrls.length > 0)
    return { problem: "DATABASE_REPLICA_URLS is set but DATABASE_URL is not: set DATABASE_URL to the primary's URL" };
  // A production server falls back to the embedded cluster only when TANDEM_DATA_DIR names it: running
  // the production build on the development cluster is a choice (a local demo, the e2e tests), never an
  // accident of a forgotten DATABASE_URL.
  if (env.NODE_ENV === "production" && !isSet(env.TANDEM_DATA_DIR)) {
    return {
      problem:
        "DATABASE_URL is required in production (to run on the embedded cluster instead, name its data root in TANDEM_DATA_DIR, e.g. TANDEM_DATA_DIR=.tandem)",
    };
  }
  return lookUpEmbeddedCluster(embedded, unlessBlank(env.TANDEM_DATA_DIR) as string | undefined);
}

function lookUpEmbeddedCluster(embedded: EmbeddedLookup, dataDir: string | undefined): DatabaseChoice {
  let urls: Omit<ClusterUrls, "migration"> | undefined;
  try {
    urls = embedded();
  } catch (error) {
    // Only the error's name: a JSON.parse message quotes the state file, and the state file holds passwords.
    const name = error instanceof Error ? error.name : "unknown error";
    return {
      problem: `DATABASE_URL is not set and the embedded cluster's state file could not be read (${name}): fix or recreate the cluster, or set DATABASE_URL`,
    };
  }
  if (urls) {
    return {
      database: {
        source: "embedded",
        topology: { kind: "embedded", dataRoot: dataDir },
        primaryUrl: urls.primary,
        replicaUrls: urls.replicas,
        names: urls.names,
      },
    };
  }
  if (dataDir) {
    return {
      problem: `DATABASE_URL is not set and there is no embedded cluster under TANDEM_DATA_DIR (${dataDir}): create one there with \`TANDEM_DATA_DIR=${dataDir} npm run db:up\`, or set DATABASE_URL`,
    };
  }
  return {
    problem:
      "DATABASE_URL is not set and there is no embedded cluster: run `npm run db:up` to create one, or set DATABASE_URL (and DATABASE_REPLICA_URLS) to your own cluster",
  };
}

/**
 * The database Prisma Migrate works on: MIGRATE_DATABASE_URL, else DATABASE_URL (the primary, or for dns
 * and patroni a URL that reaches the writer, such as a CloudNativePG `-rw` service), else the embedded
 * cluster's primary as its owner role.
 */
export function migrationUrl(env: EnvSource, embedded: () => ClusterUrls | undefined): string | undefined {
  return (
    (unlessBlank(env.MIGRATE_DATABASE_URL) as string | undefined) ??
    (unlessBlank(env.DATABASE_URL) as string | undefined) ??
    embedded()?.migration
  );
}

/**
 * The URL nodes the cluster CLI's status and verify target, when the environment names any (else the
 * embedded cluster). With a discovering topology DATABASE_URL is only a template, not a node to check.
 */
export function urlTargetOf(env: EnvSource): NamedNode[] | undefined {
  const kind = unlessBlank(env.DATABASE_TOPOLOGY);
  if (kind === "dns" || kind === "patroni") {
    throw new Error(
      `db:status and db:verify check nodes given by URL; with DATABASE_TOPOLOGY=${kind} DATABASE_URL is a template. Run them with DATABASE_TOPOLOGY=static and the nodes' URLs in DATABASE_URL and DATABASE_REPLICA_URLS.`,
    );
  }
  const url = unlessBlank(env.DATABASE_URL) as string | undefined;
  return url ? namedNodes({ primaryUrl: url, replicaUrls: splitList(env.DATABASE_REPLICA_URLS) }) : undefined;
}
