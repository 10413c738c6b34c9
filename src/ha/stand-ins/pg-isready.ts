/**
 * Stand-in for `pg_isready -h HOST -p PORT [-d DB] [-U USER]` (the embedded PostgreSQL package lacks it),
 * installed in the HA profile's bin directory for Patroni. Exit status as pg_isready's (libpq's PQping):
 * 0 the server accepts connections (an authentication failure still counts: the server answered),
 * 1 it rejects them (SQLSTATE 57P03: starting up, shutting down, recovery not yet consistent),
 * 2 no response, 3 no attempt (bad arguments).
 */
import { parseArgs } from "node:util";
import pg from "pg";

const CANNOT_CONNECT_NOW = "57P03";
const TIMEOUT_MS = 3_000; // pg_isready's default

const OPTIONS = {
  host: { type: "string", short: "h" },
  port: { type: "string", short: "p" },
  dbname: { type: "string", short: "d" },
  username: { type: "string", short: "U" },
  quiet: { type: "boolean", short: "q" },
  timeout: { type: "string", short: "t" },
} as const;

/** pg_isready's own options, or undefined when they do not parse (its exit code 3). */
function parsedOptions() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch {
    return undefined;
  }
}

async function ping(): Promise<0 | 1 | 2 | 3> {
  const values = parsedOptions();
  if (!values) return 3;
  const client = new pg.Client({
    host: values.host ?? "/tmp",
    port: Number(values.port ?? 5432),
    database: values.dbname ?? "postgres",
    user: values.username ?? "postgres",
    // A wrong password is an answer too; none is sent unless the server asks for one.
    password: "",
    connectionTimeoutMillis: values.timeout ? Number(values.timeout) * 1000 : TIMEOUT_MS,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return 0;
  } catch (error) {
    const { code } = error as { code?: string };
    if (code === CANNOT_CONNECT_NOW) return 1;
    // An SQLSTATE (five characters) means the server answered; so does a client-side auth failure.
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return 0;
    if (/password|SASL|SCRAM/i.test(String((error as Error).message))) return 0;
    return 2;
  } finally {
    await client.end().catch(() => {});
  }
}

void ping().then((status) => {
  process.exitCode = status;
});
