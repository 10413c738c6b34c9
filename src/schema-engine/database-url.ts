/**
 * Turns a Prisma-style PostgreSQL URL into explicit `pg` connection fields.
 *
 * Why not hand the URL to `pg` as `connectionString`: pg lets `connectionString` override every other
 * field, so `{ ...config, database: "shadow" }` (how a shadow database is opened) would silently connect
 * to the main database again, and Prisma Migrate would then create and drop its scratch schema there.
 * Parsed fields can be overridden one at a time.
 *
 * Query parameters follow Prisma's URL conventions (`schema`, `sslmode`, `sslaccept`, `connect_timeout`,
 * `application_name`, `host` for a Unix socket directory), plus libpq's `sslrootcert` (the CA to verify
 * the server with; what Tandem's own URLs carry); other parameters are ignored, as Prisma's own engine
 * ignores parameters it does not know. The TLS options are fields of the parsed config, so a shadow
 * database opened with `onDatabase` keeps them.
 */
import { readFileSync } from "node:fs";
import type { ClientConfig } from "pg";

export interface PgTarget {
  /** Connection fields for `pg.Client` / `pg.Pool`; never contains `connectionString`. */
  config: ClientConfig & { host: string; port: number; user: string; database: string };
  /** The schema Prisma Migrate manages (`?schema=`, default `public`). */
  schema: string;
  /** `host:port/database`, for messages; never includes credentials. */
  label: string;
}

const DEFAULT_PORT = 5432;
/** Prisma's default when the URL names no database. */
const DEFAULT_DATABASE = "postgres";
/** Prisma's default `connect_timeout`, in seconds. */
const DEFAULT_CONNECT_TIMEOUT_S = 5;

export function parseDatabaseUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("The database URL is not a valid URL (expected postgresql://user:password@host:port/database).");
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    throw new Error(`The database URL must start with postgresql:// or postgres://, not ${parsed.protocol}//.`);
  }
  const params = parsed.searchParams;
  // `?host=/run/postgresql` selects a Unix socket directory, as in libpq and Prisma.
  const host = params.get("host") ?? parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || DEFAULT_DATABASE;
  const schema = params.get("schema") ?? "public";
  const connectTimeoutS = Number(params.get("connect_timeout") ?? DEFAULT_CONNECT_TIMEOUT_S);

  return {
    config: {
      host: host || "localhost",
      port,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      ssl: sslOption(params),
      // 0 means "no timeout" in both Prisma and pg.
      connectionTimeoutMillis: connectTimeoutS * 1000,
      application_name: params.get("application_name") ?? undefined,
      // Unqualified names in migration scripts must land in the managed schema, as with Prisma's engine.
      options: schema === "public" ? undefined : `-c search_path=${quoteStartupIdentifier(schema)}`,
    },
    schema,
    label: `${host}:${port}/${database}`,
  };
}

/** The same server and credentials, another database (the maintenance or a shadow database). */
export function onDatabase(target: PgTarget, database: string): PgTarget {
  const { host, port } = target.config;
  return { ...target, config: { ...target.config, database }, label: `${host}:${port}/${database}` };
}

/**
 * libpq's sslmode mapped onto pg's `ssl` option. pg cannot "try TLS, fall back to plain", so `prefer`
 * (Prisma's default) and `allow` connect in plain text; `require` encrypts without verifying, like libpq;
 * `verify-ca` checks the chain only, `verify-full` the chain and the host name (Node's default check).
 * `sslrootcert` replaces the system's CAs, as in libpq.
 */
function sslOption(params: URLSearchParams): ClientConfig["ssl"] {
  const mode = params.get("sslmode") ?? "prefer";
  if (mode === "disable" || mode === "allow" || mode === "prefer") return false;
  const verify = (mode === "verify-ca" || mode === "verify-full") && params.get("sslaccept") !== "accept_invalid_certs";
  const rootCert = params.get("sslrootcert");
  return {
    rejectUnauthorized: verify,
    ...(rootCert ? { ca: readRootCert(rootCert) } : {}),
    ...(mode === "verify-ca" ? { checkServerIdentity: () => undefined } : {}),
  };
}

function readRootCert(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `The database URL's sslrootcert (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

/** A double-quoted identifier inside a startup `options` string, where spaces and backslashes need escaping. */
function quoteStartupIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`.replace(/[\\ ]/g, "\\$&");
}
