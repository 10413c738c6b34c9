import { describe, expect, it } from "vitest";
import { chooseDatabase, migrationUrl, namedNodes, parseDnsName, urlTargetOf } from "~/config/database";
import { type InvalidEnvError, parseEnv } from "~/config/parse-env";

const TEMPLATE = "postgresql://app:pw@placeholder:5432/tandem?sslmode=verify-ca";
const noEmbedded = () => undefined;

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(env, { embedded: noEmbedded });
  } catch (error) {
    return (error as InvalidEnvError).problems;
  }
  throw new Error("parseEnv accepted it");
}

describe("DATABASE_TOPOLOGY", () => {
  it("defaults to static with DATABASE_URL, embedded without", () => {
    expect(parseEnv({ DATABASE_URL: TEMPLATE }, { embedded: noEmbedded }).database.topology).toEqual({
      kind: "static",
    });
    const embedded = () => ({ primary: TEMPLATE, replicas: [], names: ["primary"] });
    expect(parseEnv({}, { embedded }).database.topology).toEqual({ kind: "embedded" });
  });

  it("dns: DATABASE_DNS_NAME with its port, DATABASE_URL as the template", () => {
    const env = parseEnv(
      { DATABASE_TOPOLOGY: "dns", DATABASE_URL: TEMPLATE, DATABASE_DNS_NAME: "pg.ns.svc:6432" },
      { embedded: noEmbedded },
    );
    expect(env.database).toEqual({
      source: "environment",
      topology: { kind: "dns", name: { host: "pg.ns.svc", port: 6432 } },
      primaryUrl: TEMPLATE,
      replicaUrls: [],
    });
  });

  it("patroni: PATRONI_URLS, trimmed", () => {
    const env = parseEnv(
      {
        DATABASE_TOPOLOGY: "patroni",
        DATABASE_URL: TEMPLATE,
        PATRONI_URLS: " http://127.0.0.1:8008 , http://127.0.0.1:8009",
      },
      { embedded: noEmbedded },
    );
    expect(env.database.topology).toEqual({
      kind: "patroni",
      apiUrls: ["http://127.0.0.1:8008", "http://127.0.0.1:8009"],
    });
  });

  it("names what dns and patroni need when it is missing", () => {
    expect(problems({ DATABASE_TOPOLOGY: "dns" })).toEqual([
      expect.stringMatching(/^DATABASE_TOPOLOGY=dns needs DATABASE_URL .* and DATABASE_DNS_NAME$/),
    ]);
    expect(problems({ DATABASE_TOPOLOGY: "patroni", DATABASE_URL: TEMPLATE })).toEqual([
      "DATABASE_TOPOLOGY=patroni needs PATRONI_URLS",
    ]);
  });

  it("refuses replica URLs beside a discovering source, and URLs beside embedded", () => {
    expect(
      problems({
        DATABASE_TOPOLOGY: "patroni",
        DATABASE_URL: TEMPLATE,
        PATRONI_URLS: "http://a:8008",
        DATABASE_REPLICA_URLS: TEMPLATE,
      }),
    ).toEqual([expect.stringMatching(/DATABASE_REPLICA_URLS is not used with DATABASE_TOPOLOGY=patroni/)]);
    expect(problems({ DATABASE_TOPOLOGY: "embedded", DATABASE_URL: TEMPLATE })).toEqual([
      expect.stringMatching(/^DATABASE_TOPOLOGY=embedded takes its URLs/),
    ]);
  });

  it("tells an unknown topology and bad values once each", () => {
    expect(problems({ DATABASE_TOPOLOGY: "consul", DATABASE_URL: TEMPLATE })).toEqual([
      "DATABASE_TOPOLOGY: must be one of static, embedded, dns, patroni",
    ]);
    expect(problems({ DATABASE_TOPOLOGY: "patroni", DATABASE_URL: TEMPLATE, PATRONI_URLS: "127.0.0.1:8008" })).toEqual([
      expect.stringMatching(/^PATRONI_URLS: entry 1 of 1 must be an http/),
    ]);
    expect(problems({ DATABASE_TOPOLOGY: "dns", DATABASE_URL: TEMPLATE, DATABASE_DNS_NAME: "pg:99999" })).toEqual([
      "DATABASE_DNS_NAME: must be host or host:port",
    ]);
  });
});

describe("parseDnsName", () => {
  it.each([
    ["pg.example", { host: "pg.example", port: 5432 }],
    [" pg:6543 ", { host: "pg", port: 6543 }],
    ["pg:0", undefined],
    ["http://pg", undefined],
    ["", undefined],
  ])("%j", (value, expected) => expect(parseDnsName(value)).toEqual(expected));
});

describe("one naming of URL nodes", () => {
  it("names primary, replica1, … in order, unless names are given", () => {
    expect(namedNodes({ primaryUrl: "p", replicaUrls: ["a", "b"] }).map((n) => [n.name, n.role, n.url])).toEqual([
      ["primary", "primary", "p"],
      ["replica1", "replica", "a"],
      ["replica2", "replica", "b"],
    ]);
    expect(
      namedNodes({ primaryUrl: "p", replicaUrls: ["a"], names: ["replica1", "primary"] }).map((n) => n.name),
    ).toEqual(["replica1", "primary"]);
  });

  it("the CLI's target is the same split of DATABASE_REPLICA_URLS", () => {
    expect(urlTargetOf({ DATABASE_URL: "p", DATABASE_REPLICA_URLS: " a, b " })?.map((n) => n.url)).toEqual([
      "p",
      "a",
      "b",
    ]);
    expect(urlTargetOf({ DATABASE_URL: " " })).toBeUndefined();
    expect(() => urlTargetOf({ DATABASE_TOPOLOGY: "patroni", DATABASE_URL: "p" })).toThrow(
      /DATABASE_URL is a template/,
    );
  });

  it("Prisma migrates MIGRATE_DATABASE_URL, else DATABASE_URL, else the embedded owner URL", () => {
    const embedded = () => ({ primary: "p", replicas: [], names: ["primary"], migration: "owner" });
    expect(migrationUrl({ MIGRATE_DATABASE_URL: "m", DATABASE_URL: "d" }, embedded)).toBe("m");
    expect(migrationUrl({ MIGRATE_DATABASE_URL: "", DATABASE_URL: "d" }, embedded)).toBe("d");
    expect(migrationUrl({}, embedded)).toBe("owner");
  });

  it("chooses without judging values (parseEnv judges them)", () => {
    expect(chooseDatabase({ DATABASE_URL: "not a url" }, noEmbedded)).toEqual({
      database: { source: "environment", topology: { kind: "static" }, primaryUrl: "not a url", replicaUrls: [] },
    });
  });
});
