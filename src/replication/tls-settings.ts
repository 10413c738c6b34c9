/**
 * What TLS means for a node's configuration and for the connection strings that reach it. One place for
 * the rule, shared by the embedded cluster (config files, URLs, primary_conninfo) and checked against the
 * docker setup's files by tests/unit/docker.test.ts.
 */

/** Server settings (in every node's tandem.conf). Paths are relative to PGDATA: each node holds its own pair. */
export const TLS_SETTINGS = `# TLS (src/replication/tls-settings.ts): every connection is encrypted; pg_hba.conf accepts hostssl only
ssl = on
ssl_cert_file = 'server.crt'          # this node's certificate, signed by the cluster's CA
ssl_key_file = 'server.key'           # its private key (0600, owned by the server's OS user)
ssl_min_protocol_version = 'TLSv1.2'
`;

/** The server files inside PGDATA that TLS_SETTINGS names. */
export const SERVER_CERT_FILE = "server.crt";
export const SERVER_KEY_FILE = "server.key";

/**
 * libpq's strictest mode: encrypted, the certificate chains to `rootCert` and names the host dialled.
 * `pg` (the app), libpq (replication) and the schema-engine shim (Prisma Migrate) all read it the same way,
 * unlike `require` or `prefer` (see README, TLS).
 */
export const VERIFY_FULL = "verify-full";

/** The query string for a postgresql:// URL ("/" left as is: a path stays readable, and URLs allow it there). */
export function tlsUrlQuery(rootCert: string): string {
  return `sslmode=${VERIFY_FULL}&sslrootcert=${encodeURIComponent(rootCert).replaceAll("%2F", "/")}`;
}

/**
 * The same as conninfo keywords, for primary_conninfo. sslcertmode=disable: replicas authenticate with
 * scram, not a client certificate, and without it libpq opens ~/.postgresql/postgresql.crt of whatever
 * HOME the server inherited, failing when that file exists but is unreadable (HOME=/root when root runs
 * the servers as another user).
 */
export function tlsConninfo(rootCert: string): string {
  return `sslmode=${VERIFY_FULL} sslrootcert=${quoteConninfo(rootCert)} sslcertmode=disable`;
}

/** libpq conninfo quoting: single quotes, with ' and \ escaped by a backslash. */
function quoteConninfo(value: string): string {
  return /^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/['\\]/g, "\\$&")}'`;
}

/** sslmode values under which a client may talk to the server in plain text (libpq's meaning, also Prisma's). */
export const PLAINTEXT_SSLMODES = new Set(["disable", "allow", "prefer"]);

/** Whether a postgresql:// URL asks for TLS: an sslmode that never falls back to plain text. */
export function urlRequiresTls(url: URL): boolean {
  const mode = url.searchParams.get("sslmode");
  return mode !== null && !PLAINTEXT_SSLMODES.has(mode);
}

/** Node's codes for a certificate that does not chain to the trusted CA. */
const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/**
 * A sentence for a failed TLS verification of the server at `url` (Node's own text is terse: "unable to
 * verify the first certificate"), or undefined when `error` is something else.
 */
export function explainTlsFailure(error: unknown, url: string): string | undefined {
  const code = (error as { code?: unknown })?.code;
  const message = (error as Error)?.message ?? String(error);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const server = `${parsed.hostname}:${parsed.port || 5432}`;
  const rootCert = parsed.searchParams.get("sslrootcert");
  const trusted = rootCert
    ? `the CA in sslrootcert (${rootCert})`
    : "a CA this machine trusts (no sslrootcert in the URL)";
  if (typeof code === "string" && UNTRUSTED.has(code)) {
    return `TLS: the certificate of ${server} is not signed by ${trusted} (${message}). Point sslrootcert at that server's CA (for the embedded cluster, \`npm run -s db:env\` prints URLs with it), or check that the URL names the server you mean.`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return `TLS: the certificate of ${server} does not name the host in the URL (${message}). Connect by a name the certificate lists.`;
  if (code === "CERT_HAS_EXPIRED")
    return `TLS: the certificate of ${server} has expired (${message}). On the embedded cluster: npm run db:certs -- rotate.`;
  return undefined;
}
