/**
 * The app's configuration, validated from environment variables: a pure function, so every rule can be
 * unit-tested without touching `process.env` or the embedded cluster's state file.
 *
 * Two stages, both always run so a single error lists every problem at once:
 *  1. each variable on its own (`variables` below: add a new setting there, one line);
 *  2. which database the app uses and how its nodes are found (./database.ts decides);
 *  3. in production only, the secrets: an admin token of your own and no well-known database password
 *     (./production-rules.ts).
 */
import { z } from "zod";
import { chooseDatabase, type DatabaseConfig, type EmbeddedLookup, parseDnsName, TOPOLOGY_KINDS } from "./database";
import { type EnvSource, splitList, unlessBlank } from "./env-values";
import { DEV_ADMIN_TOKEN, productionProblems } from "./production-rules";
import { redactUrl } from "./redact-url";

export type { DatabaseConfig } from "./database";
export type { EnvSource } from "./env-values";

export interface ParseEnvOptions {
  embedded: EmbeddedLookup;
}

/** Read into `database` (./database.ts); not on the parsed config under their own names. */
type DatabaseVariables =
  | "DATABASE_URL"
  | "DATABASE_REPLICA_URLS"
  | "DATABASE_TOPOLOGY"
  | "DATABASE_DNS_NAME"
  | "PATRONI_URLS";

export type Env = Omit<Variables, DatabaseVariables | "ADMIN_TOKEN"> & {
  database: DatabaseConfig;
  /** ADMIN_TOKEN, or DEV_ADMIN_TOKEN outside production when it is unset. */
  ADMIN_TOKEN: string;
};

/** Thrown by `parseEnv`; the message lists every problem, one a line, with no passwords in it. */
export class InvalidEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "InvalidEnvError";
  }
}

const POSTGRES_PROTOCOLS = new Set(["postgres:", "postgresql:"]);

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    // Tandem's nodes are TCP endpoints (the home page shows host:port), so a host is required.
    return POSTGRES_PROTOCOLS.has(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

function notPostgresUrl(value: unknown): string {
  return `must be a postgres:// or postgresql:// URL with a host, got "${redactUrl(String(value))}"`;
}

const postgresUrl = z.string().refine(isPostgresUrl, { error: (issue) => notPostgresUrl(issue.input) });

const postgresUrlList = z.string().transform((value, ctx) => {
  const entries = splitList(value);
  entries.forEach((entry, index) => {
    const position = `entry ${index + 1} of ${entries.length}`;
    if (entry === "") ctx.addIssue({ code: "custom", message: `${position} is empty (a stray comma?)` });
    else if (!isPostgresUrl(entry)) ctx.addIssue({ code: "custom", message: `${position} ${notPostgresUrl(entry)}` });
  });
  return entries;
});

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(unlessBlank, schema.optional());
}

const httpUrlList = z.string().transform((value, ctx) => {
  const entries = splitList(value);
  entries.forEach((entry, index) => {
    if (!/^https?:\/\/[^/\s]+/.test(entry))
      ctx.addIssue({
        code: "custom",
        message: `entry ${index + 1} of ${entries.length} must be an http:// or https:// URL, got "${entry}"`,
      });
  });
  return entries;
});

/** A whole number in [min, max], or `fallback` when unset; the message names the range. */
function wholeNumber(fallback: number, { min = 1, max = Number.MAX_SAFE_INTEGER, unit = "" } = {}) {
  const expected = `must be a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`;
  return z.preprocess(
    unlessBlank,
    z.coerce
      .number({ error: expected })
      .int({ error: expected })
      .min(min, { error: expected })
      .max(max, { error: expected })
      .default(fallback),
  );
}

/** Stage 1: one line per setting. Each appears on the parsed config under its own name. */
const variables = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optional(postgresUrl),
  DATABASE_REPLICA_URLS: optional(postgresUrlList),
  /** How the node set is found at run time (./database.ts); the default follows from DATABASE_URL. */
  DATABASE_TOPOLOGY: optional(z.enum(TOPOLOGY_KINDS, { error: `must be one of ${TOPOLOGY_KINDS.join(", ")}` })),
  DATABASE_DNS_NAME: optional(
    z.string().refine((v) => parseDnsName(v) !== undefined, { error: "must be host or host:port" }),
  ),
  PATRONI_URLS: optional(httpUrlList),
  /** How often the topology source is asked for the node set. */
  TOPOLOGY_POLL_INTERVAL_MS: wholeNumber(2_000, { unit: "milliseconds", min: 100, max: 600_000 }),
  /** Connections per pool: the primary's, and each replica's. */
  DATABASE_POOL_SIZE: wholeNumber(10, { max: 1000 }),
  REPLICA_POOL_SIZE: wholeNumber(10, { max: 1000 }),
  /** How long opening a connection may take before the node counts as unreachable. */
  DB_CONNECT_TIMEOUT_MS: wholeNumber(2_000, { unit: "milliseconds", max: 60_000 }),
  /** Client-side bound on one query, so a dead TCP peer can never hang a request. */
  DB_QUERY_TIMEOUT_MS: wholeNumber(10_000, { unit: "milliseconds", max: 600_000 }),
  /** How often each node's health, replay position and lag are probed. */
  REPLICA_PROBE_INTERVAL_MS: wholeNumber(500, { unit: "milliseconds", min: 50, max: 60_000 }),
  /** A replica further behind than either bound leaves the routing set until it catches up. */
  REPLICA_MAX_LAG_MS: wholeNumber(2_000, { unit: "milliseconds", max: 3_600_000 }),
  REPLICA_MAX_LAG_BYTES: wholeNumber(16 * 1024 * 1024, { unit: "bytes", max: 2 ** 50 }),
  /** How long a read carrying a consistency token waits for a replica to replay it before using the primary. */
  RYW_MAX_WAIT_MS: wholeNumber(250, { unit: "milliseconds", min: 0, max: 60_000 }),
  /**
   * A replica read slower than twice the recent p99 is also sent to another node; never sooner than this.
   * 0 turns hedging off.
   */
  READ_HEDGE_FLOOR_MS: wholeNumber(20, { unit: "milliseconds", min: 0, max: 60_000 }),
  /** Request limits of every API surface (src/server/api/request-limits.ts); each refusal is a clear 4xx. */
  API_MAX_BODY_BYTES: wholeNumber(64 * 1024, { unit: "bytes", min: 1024, max: 64 * 1024 * 1024 }),
  API_MAX_URL_BYTES: wholeNumber(8 * 1024, { unit: "bytes", min: 256, max: 64 * 1024 }),
  API_MAX_BATCH_SIZE: wholeNumber(20, { max: 1000 }),
  /** Against slow clients (src/server/http/timeouts.ts): all headers, the whole request, an idle keep-alive. */
  HTTP_HEADERS_TIMEOUT_MS: wholeNumber(10_000, { unit: "milliseconds", min: 100, max: 600_000 }),
  HTTP_REQUEST_TIMEOUT_MS: wholeNumber(30_000, { unit: "milliseconds", min: 100, max: 3_600_000 }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(5_000, { unit: "milliseconds", min: 100, max: 600_000 }),
  /** Wrong admin tokens one client address may send per window before it gets 429 until the window ends. */
  ADMIN_AUTH_MAX_FAILURES: wholeNumber(10, { max: 10_000 }),
  ADMIN_AUTH_WINDOW_SECONDS: wholeNumber(60, { unit: "seconds", max: 86_400 }),
  /** How long an Idempotency-Key's first answer is kept for retries; older keys are swept and may be reused. */
  IDEMPOTENCY_KEY_TTL_HOURS: wholeNumber(24, { unit: "hours", max: 24 * 365 }),
  /** Bearer token for the admin procedures (replication.*); unset outside production: DEV_ADMIN_TOKEN. */
  ADMIN_TOKEN: optional(
    z.string().min(16, { error: "must be at least 16 characters (generate one: openssl rand -hex 32)" }),
  ),
});

type Variables = z.output<typeof variables>;

/** Every setting's default (what an empty environment gives), for code that runs without a validated one (tests). */
export const DEFAULT_SETTINGS: Readonly<Variables> = variables.parse({});

function describeIssue(issue: z.core.$ZodIssue): string {
  const variable = issue.path.join(".");
  return variable ? `${variable}: ${issue.message}` : issue.message;
}

export function parseEnv(source: EnvSource, { embedded }: ParseEnvOptions): Env {
  const parsed = variables.safeParse(source);
  const choice = chooseDatabase(source, embedded);

  const problems = parsed.success ? [] : parsed.error.issues.map(describeIssue);
  if ("problem" in choice && !problems.some((p) => p.endsWith(choice.problem))) problems.push(choice.problem); // an invalid DATABASE_TOPOLOGY is told once
  if (source.NODE_ENV === "production") problems.push(...productionProblems(source));
  if (!parsed.success || "problem" in choice || problems.length > 0) throw new InvalidEnvError(problems);

  const {
    DATABASE_URL,
    DATABASE_REPLICA_URLS,
    DATABASE_TOPOLOGY,
    DATABASE_DNS_NAME,
    PATRONI_URLS,
    ADMIN_TOKEN,
    ...settings
  } = parsed.data;
  const database: DatabaseConfig = choice.database;
  return { ...settings, ADMIN_TOKEN: ADMIN_TOKEN ?? DEV_ADMIN_TOKEN, database };
}
