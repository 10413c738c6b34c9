import { describe, expect, it } from "vitest";
import { type EnvSource, InvalidEnvError, parseEnv } from "~/config/parse-env";
import { DEV_ADMIN_TOKEN } from "~/config/production-rules";

const STRONG = "Vx3-strong-db-password";
const TLS = "sslmode=verify-full";
const PRIMARY = `postgresql://app:${STRONG}@db-primary:5432/tandem?${TLS}`;
const REPLICA = `postgresql://app:${STRONG}@db-replica:5432/tandem?${TLS}`;
const ADMIN_TOKEN = "9f2c41d07be35a86e1d4c9b27f0a6e53";
const EMBEDDED = { primary: "postgresql://tandem:pw@127.0.0.1:54320/tandem", replicas: [], names: ["primary"] };

function problemsOf(source: EnvSource): string[] {
  try {
    parseEnv(source, { embedded: () => EMBEDDED });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvError);
    return (error as InvalidEnvError).problems;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe("ADMIN_TOKEN", () => {
  it.each(["development", "test", undefined])(
    "defaults to the development token when unset (NODE_ENV=%s)",
    (nodeEnv) => {
      expect(parseEnv({ NODE_ENV: nodeEnv }, { embedded: () => EMBEDDED }).ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
      expect(parseEnv({ NODE_ENV: nodeEnv, ADMIN_TOKEN: "  " }, { embedded: () => EMBEDDED }).ADMIN_TOKEN).toBe(
        DEV_ADMIN_TOKEN,
      );
    },
  );

  it("uses the token that is set, trimmed", () => {
    expect(parseEnv({ ADMIN_TOKEN: ` ${ADMIN_TOKEN}\n` }, { embedded: () => EMBEDDED }).ADMIN_TOKEN).toBe(ADMIN_TOKEN);
    expect(
      parseEnv({ NODE_ENV: "production", DATABASE_URL: PRIMARY, ADMIN_TOKEN }, { embedded: () => EMBEDDED })
        .ADMIN_TOKEN,
    ).toBe(ADMIN_TOKEN);
  });

  it("must be at least 16 characters, without quoting it", () => {
    const problems = problemsOf({ ADMIN_TOKEN: "short-secret" });
    expect(problems).toEqual(["ADMIN_TOKEN: must be at least 16 characters (generate one: openssl rand -hex 32)"]);
  });

  it("is required in production, saying how to make one", () => {
    expect(problemsOf({ NODE_ENV: "production", DATABASE_URL: PRIMARY })).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN is required in production: .*openssl rand -hex 32/),
    ]);
  });

  it("refuses the development default in production", () => {
    expect(problemsOf({ NODE_ENV: "production", DATABASE_URL: PRIMARY, ADMIN_TOKEN: DEV_ADMIN_TOKEN })).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN is the published development default, refused in production/),
    ]);
  });
});

describe("ADMIN_TOKEN strength in production", () => {
  const refusal = (token: string) => problemsOf({ NODE_ENV: "production", DATABASE_URL: PRIMARY, ADMIN_TOKEN: token });

  it.each(["aaaaaaaaaaaaaaaa", "password12345678", "qwertyuiopasdfgh", "0123456789abcdef0123456789abcdef"])(
    "refuses %s as too easy to guess, without quoting it",
    (token) => {
      expect(refusal(token)).toEqual([
        expect.stringMatching(/^ADMIN_TOKEN is too easy to guess .*openssl rand -hex 32/),
      ]);
      expect(refusal(token).join("\n")).not.toContain(token);
    },
  );

  it("refuses the development token whatever its case", () => {
    expect(refusal(DEV_ADMIN_TOKEN.toUpperCase())).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN is the published development default/),
    ]);
  });

  it.each([
    ["a space", "9f2c41d07be3 5a86e1d4c9b27f0a6e53"],
    ["a tab", "9f2c41d07be3\t5a86e1d4c9b27f0a6e53"],
    ["a non-ASCII letter", "9f2c41d07be35a86e1d4c9b27f0a6é53"],
    ["a control character", "9f2c41d07be35a86\u0007e1d4c9b27f0a6e53"],
  ])("refuses a token with %s: it cannot be sent in a header", (_what, token) => {
    expect(refusal(token)).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN has spaces, control or non-ASCII characters, so it cannot be sent/),
    ]);
  });

  it.each(["Xk9#mQ2$vL7pR4wz", "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"])("accepts a random token (%s)", (token) => {
    expect(
      parseEnv({ NODE_ENV: "production", DATABASE_URL: PRIMARY, ADMIN_TOKEN: token }, { embedded: () => EMBEDDED })
        .ADMIN_TOKEN,
    ).toBe(token);
  });
});

describe("default database passwords in production", () => {
  it.each(["postgres", "password", "tandem", "Postgres", "PASSWORD", "changeme"])(
    "refuses %s as the primary's password",
    (password) => {
      const problems = problemsOf({
        NODE_ENV: "production",
        ADMIN_TOKEN,
        DATABASE_URL: `postgresql://app:${password}@db:5432/tandem?${TLS}`,
      });
      expect(problems).toEqual([
        "DATABASE_URL: uses a well-known default password, refused in production; set a strong password on that role",
      ]);
      expect(problems.join("\n")).not.toContain(`:${password}@`);
    },
  );

  it("checks libpq's password= parameter and percent-encoded passwords too", () => {
    expect(
      problemsOf({
        NODE_ENV: "production",
        ADMIN_TOKEN,
        DATABASE_URL: `postgresql://app@db:5432/tandem?password=postgres&${TLS}`,
      }),
    ).toHaveLength(1);
    expect(
      problemsOf({
        NODE_ENV: "production",
        ADMIN_TOKEN,
        DATABASE_URL: `postgresql://app:%70ostgres@db:5432/tandem?${TLS}`,
      }),
    ).toHaveLength(1);
  });

  it("names the replica entry that has one", () => {
    const problems = problemsOf({
      NODE_ENV: "production",
      ADMIN_TOKEN,
      DATABASE_URL: PRIMARY,
      DATABASE_REPLICA_URLS: `${REPLICA},postgresql://app:tandem@db-replica-2:5432/tandem?${TLS}`,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_REPLICA_URLS: entry 2 of 2 uses a well-known default password/),
    ]);
  });

  it("allows them in development (the embedded cluster's passwords are random anyway)", () => {
    const env = parseEnv(
      { NODE_ENV: "development", DATABASE_URL: "postgresql://postgres:postgres@localhost:5432/tandem" },
      { embedded: () => EMBEDDED },
    );
    expect(env.database.primaryUrl).toContain("postgres:postgres@");
  });

  it("accepts URLs without a password (peer, certificate or .pgpass authentication) and strong ones", () => {
    const env = parseEnv(
      {
        NODE_ENV: "production",
        ADMIN_TOKEN,
        DATABASE_URL: `postgresql://app@db:5432/tandem?${TLS}`,
        DATABASE_REPLICA_URLS: REPLICA,
      },
      { embedded: () => EMBEDDED },
    );
    expect(env.database.replicaUrls).toEqual([REPLICA]);
  });

  it("lists the token and password problems together with the rest", () => {
    const problems = problemsOf({
      NODE_ENV: "production",
      DATABASE_URL: `postgresql://app:password@db/tandem?${TLS}`,
      DB_CONNECT_TIMEOUT_MS: "soon",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DB_CONNECT_TIMEOUT_MS: /),
      expect.stringMatching(/^ADMIN_TOKEN is required in production/),
      expect.stringMatching(/^DATABASE_URL: uses a well-known default password/),
    ]);
  });
});

describe("TLS in production", () => {
  const production = { NODE_ENV: "production", ADMIN_TOKEN };

  it.each([
    ["no sslmode", "postgresql://app:Vx3-strong-db-password@db:5432/tandem", "no sslmode"],
    ["sslmode=disable", "postgresql://app:Vx3-strong-db-password@db:5432/tandem?sslmode=disable", "sslmode=disable"],
    ["sslmode=allow", "postgresql://app:Vx3-strong-db-password@db:5432/tandem?sslmode=allow", "sslmode=allow"],
    [
      "sslmode=prefer (libpq and Prisma fall back to plain text)",
      "postgresql://app:Vx3-strong-db-password@db:5432/tandem?sslmode=prefer",
      "sslmode=prefer",
    ],
  ])("refuses a DATABASE_URL with %s, saying why and how to fix it", (_, url, shown) => {
    const problems = problemsOf({ ...production, DATABASE_URL: url });
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^DATABASE_URL: does not require TLS \\(${shown}\\), refused in production: .*readable.*sslmode=verify-full.*TANDEM_ALLOW_PLAINTEXT_DB=1`,
        ),
      ),
    ]);
    expect(problems.join("\n")).not.toContain(STRONG);
  });

  it("names the replica entry without TLS", () => {
    const problems = problemsOf({
      ...production,
      DATABASE_URL: PRIMARY,
      DATABASE_REPLICA_URLS: `${REPLICA},postgresql://app:${STRONG}@db-replica-2:5432/tandem`,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_REPLICA_URLS: entry 2 of 2 does not require TLS \(no sslmode\)/),
    ]);
  });

  it.each(["require", "verify-ca", "verify-full"])("accepts sslmode=%s", (mode) => {
    const url = `postgresql://app:${STRONG}@db:5432/tandem?sslmode=${mode}&sslrootcert=/etc/ca.pem`;
    expect(
      parseEnv({ ...production, DATABASE_URL: url, DATABASE_REPLICA_URLS: url }, { embedded: () => EMBEDDED }).database
        .primaryUrl,
    ).toBe(url);
  });

  it.each(["1", "true"])("allows plain text when TANDEM_ALLOW_PLAINTEXT_DB=%s says so explicitly", (value) => {
    const url = `postgresql://app:${STRONG}@db:5432/tandem`;
    const env = parseEnv(
      { ...production, DATABASE_URL: url, DATABASE_REPLICA_URLS: url, TANDEM_ALLOW_PLAINTEXT_DB: value },
      { embedded: () => EMBEDDED },
    );
    expect(env.database.replicaUrls).toEqual([url]);
  });

  it("does not take any other value as the opt-out", () => {
    expect(
      problemsOf({
        ...production,
        DATABASE_URL: `postgresql://app:${STRONG}@db/tandem`,
        TANDEM_ALLOW_PLAINTEXT_DB: "0",
      }),
    ).toHaveLength(1);
  });

  it("leaves development alone", () => {
    expect(
      parseEnv(
        { NODE_ENV: "development", DATABASE_URL: `postgresql://app:${STRONG}@db/tandem` },
        { embedded: () => EMBEDDED },
      ).database.primaryUrl,
    ).not.toContain("sslmode");
  });
});
