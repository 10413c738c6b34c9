import { describe, expect, it, vi } from "vitest";
import { type EnvSource, InvalidEnvError, parseEnv } from "~/config/parse-env";
import { redactUrl } from "~/config/redact-url";
import type { ClusterUrls } from "~/replication/urls";

const PASSWORD = "s3cret-pw";
const PRIMARY = `postgresql://app:${PASSWORD}@db-primary:5432/tandem`;
const REPLICA_1 = `postgresql://app:${PASSWORD}@db-replica-1:5433/tandem`;
const REPLICA_2 = `postgres://app:${PASSWORD}@db-replica-2:5434/tandem`;

const EMBEDDED: Omit<ClusterUrls, "migration"> = {
  primary: "postgresql://tandem_app:embedded-pw@127.0.0.1:54320/tandem",
  replicas: ["postgresql://tandem_app:embedded-pw@127.0.0.1:54321/tandem"],
  // As after `db:promote -- replica1`: the cluster's own names, which the app must use.
  names: ["replica1", "replica2"],
};

/** Production refuses to start without an admin token of its own (tests/unit/env-production.test.ts). */
const ADMIN_TOKEN = "a-strong-admin-token-for-tests";

const noEmbeddedCluster = () => undefined;
const embeddedCluster = () => EMBEDDED;

/** The problems parseEnv reports for `source`; fails the test if it accepts it. */
function problemsOf(
  source: EnvSource,
  embedded: () => Omit<ClusterUrls, "migration"> | undefined = noEmbeddedCluster,
): string[] {
  try {
    parseEnv(source, { embedded });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvError);
    const invalid = error as InvalidEnvError;
    // The message is what people read: it must list every problem the error carries.
    for (const problem of invalid.problems) expect(invalid.message).toContain(problem);
    return invalid.problems;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe("parseEnv: database URLs from the environment", () => {
  it("accepts a primary alone: no replicas", () => {
    const primary = `${PRIMARY}?sslmode=verify-full`; // production requires TLS (env-production.test.ts)
    const env = parseEnv(
      { NODE_ENV: "production", DATABASE_URL: primary, ADMIN_TOKEN },
      { embedded: noEmbeddedCluster },
    );
    expect(env.database).toEqual({
      source: "environment",
      topology: { kind: "static" },
      primaryUrl: primary,
      replicaUrls: [],
    });
    expect(env.NODE_ENV).toBe("production");
  });

  it("accepts a primary and a comma-separated replica list, trimming whitespace", () => {
    const env = parseEnv(
      { DATABASE_URL: ` ${PRIMARY} `, DATABASE_REPLICA_URLS: ` ${REPLICA_1} ,\n ${REPLICA_2}\n` },
      { embedded: noEmbeddedCluster },
    );
    expect(env.database).toEqual({
      source: "environment",
      topology: { kind: "static" },
      primaryUrl: PRIMARY,
      replicaUrls: [REPLICA_1, REPLICA_2],
    });
  });

  it("treats a blank DATABASE_REPLICA_URLS as no replicas", () => {
    const env = parseEnv({ DATABASE_URL: PRIMARY, DATABASE_REPLICA_URLS: "  " }, { embedded: noEmbeddedCluster });
    expect(env.database.replicaUrls).toEqual([]);
  });

  it("prefers the environment to the embedded cluster, without looking the cluster up", () => {
    const embedded = vi.fn(embeddedCluster);
    const env = parseEnv({ NODE_ENV: "development", DATABASE_URL: PRIMARY }, { embedded });
    expect(env.database.source).toBe("environment");
    expect(embedded).not.toHaveBeenCalled();
  });

  it("does not expose the raw variables: env.database is the one place to read URLs from", () => {
    const env = parseEnv({ DATABASE_URL: PRIMARY }, { embedded: noEmbeddedCluster });
    expect(env).not.toHaveProperty("DATABASE_URL");
    expect(env).not.toHaveProperty("DATABASE_REPLICA_URLS");
  });
});

describe("parseEnv: the embedded cluster fallback", () => {
  it.each(["development", "test", undefined])(
    "uses the embedded cluster when neither variable is set (NODE_ENV=%s)",
    (nodeEnv) => {
      const env = parseEnv({ NODE_ENV: nodeEnv }, { embedded: embeddedCluster });
      expect(env.database).toEqual({
        source: "embedded",
        topology: { kind: "embedded" },
        primaryUrl: EMBEDDED.primary,
        replicaUrls: EMBEDDED.replicas,
        names: ["replica1", "replica2"],
      });
    },
  );

  it("treats blank variables as unset", () => {
    const env = parseEnv({ DATABASE_URL: "", DATABASE_REPLICA_URLS: " " }, { embedded: embeddedCluster });
    expect(env.database.source).toBe("embedded");
  });

  it("tells the user to run `npm run db:up` or set DATABASE_URL when there is no embedded cluster", () => {
    const [problem, ...others] = problemsOf({ NODE_ENV: "development" }, noEmbeddedCluster);
    expect(others).toEqual([]);
    expect(problem).toContain("npm run db:up");
    expect(problem).toContain("DATABASE_URL");
  });

  it("refuses the fallback in production, without looking the cluster up", () => {
    const embedded = vi.fn(embeddedCluster);
    const problems = problemsOf({ NODE_ENV: "production", ADMIN_TOKEN }, embedded);
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL is required in production/)]);
    expect(embedded).not.toHaveBeenCalled();
  });

  it("uses the embedded cluster in production when TANDEM_DATA_DIR names it", () => {
    const env = parseEnv(
      { NODE_ENV: "production", ADMIN_TOKEN, TANDEM_DATA_DIR: "/srv/tandem" },
      { embedded: embeddedCluster },
    );
    expect(env.database).toEqual({
      source: "embedded",
      topology: { kind: "embedded", dataRoot: "/srv/tandem" },
      primaryUrl: EMBEDDED.primary,
      replicaUrls: EMBEDDED.replicas,
      names: EMBEDDED.names,
    });
  });

  it("says there is no cluster there when production names an empty data root", () => {
    const problems = problemsOf(
      { NODE_ENV: "production", ADMIN_TOKEN, TANDEM_DATA_DIR: "/srv/empty" },
      noEmbeddedCluster,
    );
    expect(problems).toEqual([
      "DATABASE_URL is not set and there is no embedded cluster under TANDEM_DATA_DIR (/srv/empty): create one there with `TANDEM_DATA_DIR=/srv/empty npm run db:up`, or set DATABASE_URL",
    ]);
  });

  it("reports an unreadable state file by the error's name only: its message may quote passwords", () => {
    const problems = problemsOf({}, () => {
      throw new SyntaxError(`Unexpected token in JSON: "{"app": {"password": "${PASSWORD}"`);
    });
    expect(problems).toEqual([expect.stringContaining("state file could not be read (SyntaxError)")]);
    expect(problems.join("\n")).not.toContain(PASSWORD);
  });
});

describe("parseEnv: readable messages for bad input", () => {
  it.each([
    ["a non-PostgreSQL scheme", `mysql://app:${PASSWORD}@db:3306/tandem`],
    ["text that is not a URL", "db-primary:5432"],
    ["a URL without a host", `postgresql://app:${PASSWORD}@/tandem`],
  ])("rejects DATABASE_URL with %s", (_, value) => {
    const problems = problemsOf({ DATABASE_URL: value });
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/)]);
  });

  it("names the position of an empty replica entry", () => {
    expect(problemsOf({ DATABASE_URL: PRIMARY, DATABASE_REPLICA_URLS: `${REPLICA_1},,${REPLICA_2}` })).toEqual([
      "DATABASE_REPLICA_URLS: entry 2 of 3 is empty (a stray comma?)",
    ]);
    expect(problemsOf({ DATABASE_URL: PRIMARY, DATABASE_REPLICA_URLS: `${REPLICA_1}, ` })).toEqual([
      "DATABASE_REPLICA_URLS: entry 2 of 2 is empty (a stray comma?)",
    ]);
  });

  it("names the position of an invalid replica entry", () => {
    const problems = problemsOf({
      DATABASE_URL: PRIMARY,
      DATABASE_REPLICA_URLS: `${REPLICA_1},http://app:${PASSWORD}@web/`,
    });
    expect(problems).toEqual([
      'DATABASE_REPLICA_URLS: entry 2 of 2 must be a postgres:// or postgresql:// URL with a host, got "http://app:***@web/"',
    ]);
  });

  it("rejects replicas without a primary, even in development with an embedded cluster", () => {
    const problems = problemsOf({ NODE_ENV: "development", DATABASE_REPLICA_URLS: REPLICA_1 }, embeddedCluster);
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_REPLICA_URLS is set but DATABASE_URL is not/)]);
  });

  it("rejects an unknown NODE_ENV", () => {
    expect(problemsOf({ NODE_ENV: "staging", DATABASE_URL: PRIMARY })).toEqual([expect.stringMatching(/^NODE_ENV: /)]);
  });

  it("lists every problem in one error", () => {
    const problems = problemsOf({ NODE_ENV: "staging", DATABASE_REPLICA_URLS: `,${REPLICA_1},nope` });
    expect(problems).toEqual([
      expect.stringMatching(/^NODE_ENV: /),
      "DATABASE_REPLICA_URLS: entry 1 of 3 is empty (a stray comma?)",
      'DATABASE_REPLICA_URLS: entry 3 of 3 must be a postgres:// or postgresql:// URL with a host, got "nope"',
      expect.stringMatching(/^DATABASE_REPLICA_URLS is set but DATABASE_URL is not/),
    ]);
  });

  it("never puts a password in a message", () => {
    const badValues = [
      `mysql://app:${PASSWORD}@db:3306/tandem`,
      `postgresql://app:${PASSWORD}@/tandem`,
      `app:${PASSWORD}@db-primary:5432/tandem`,
      `postgresql://app:${PASSWORD}@db@/tandem`, // an unencoded @ in the password
      `postgresql://app@/tandem?password=${PASSWORD}`,
      `host=db password=${PASSWORD}`, // a libpq keyword string instead of a URL
      `host=db password='${PASSWORD} x' user=app`,
    ];
    for (const value of badValues) {
      const message = problemsOf({ DATABASE_URL: value, DATABASE_REPLICA_URLS: `${value},${value}` }).join("\n");
      expect(message).toContain("DATABASE_URL");
      expect(message).not.toContain(PASSWORD);
    }
  });
});

describe("redactUrl", () => {
  it.each([
    [PRIMARY, "postgresql://app:***@db-primary:5432/tandem"],
    ["postgresql://app@db/tandem", "postgresql://app@db/tandem"],
    [
      "postgresql://db/tandem?sslmode=require&password=x&user=app",
      "postgresql://db/tandem?sslmode=require&password=***&user=app",
    ],
    ["app:secret@db:5432", "app:***@db:5432"],
    ["not a url", "not a url"],
  ])("%s -> %s", (value, redacted) => {
    expect(redactUrl(value)).toBe(redacted);
  });
});
