import { describe, expect, it } from "vitest";
import { type AddressResolver, dnsSource, nodesOfAddresses, resolveAll } from "~/server/db/topology/dns";
import { hostPortName, urlForHost } from "~/server/db/topology/node-url";

const TEMPLATE = "postgresql://app:p%40ss@placeholder:5432/tandem?sslmode=verify-ca&sslrootcert=/etc/ca.crt";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`query ${code}`), { code });
}

/** Answers as node:dns would, from a table that a test changes between polls. */
function resolverOf(table: { v4?: string[] | string; v6?: string[] | string }): AddressResolver {
  const answer = (value: string[] | string | undefined) =>
    typeof value === "string" ? Promise.reject(errno(value)) : Promise.resolve(value ?? []);
  return { resolve4: () => answer(table.v4 ?? "ENODATA"), resolve6: () => answer(table.v6 ?? "ENODATA") };
}

describe("urlForHost", () => {
  it("keeps credentials, database and TLS parameters; replaces host and port", () => {
    expect(urlForHost(TEMPLATE, "10.0.0.7", 6432)).toBe(
      "postgresql://app:p%40ss@10.0.0.7:6432/tandem?sslmode=verify-ca&sslrootcert=/etc/ca.crt",
    );
  });

  it("brackets IPv6 addresses", () => {
    expect(new URL(urlForHost(TEMPLATE, "fd00::1", 5432)).host).toBe("[fd00::1]:5432");
    expect(hostPortName("fd00::1", 5432)).toBe("[fd00::1]:5432");
  });
});

describe("nodesOfAddresses", () => {
  it("one node per distinct address, named host:port, in a stable order", () => {
    const nodes = nodesOfAddresses(["10.0.0.9", "10.0.0.2", "10.0.0.9"], 5432, TEMPLATE);
    expect(nodes.map((n) => n.name)).toEqual(["10.0.0.2:5432", "10.0.0.9:5432"]);
    expect(nodes.every((n) => n.role === undefined)).toBe(true); // DNS knows no roles: the probes decide
  });
});

describe("resolveAll", () => {
  it("joins A and AAAA answers; a family without records is empty", async () => {
    expect(await resolveAll(resolverOf({ v4: ["10.0.0.1"], v6: ["fd00::1"] }), "pg")).toEqual(["10.0.0.1", "fd00::1"]);
    expect(await resolveAll(resolverOf({ v4: ["10.0.0.1"] }), "pg")).toEqual(["10.0.0.1"]);
  });

  it("fails (so the last list is kept) on a resolver error or when the name has no address at all", async () => {
    await expect(resolveAll(resolverOf({ v4: "ETIMEOUT" }), "pg")).rejects.toThrow(/resolving pg failed: ETIMEOUT/);
    await expect(resolveAll(resolverOf({ v4: "ENOTFOUND", v6: "ENOTFOUND" }), "pg")).rejects.toThrow(
      /no A or AAAA records/,
    );
  });
});

describe("dnsSource", () => {
  it("re-resolves on every poll: a pod added or removed changes the node set", async () => {
    const table = { v4: ["10.0.0.1", "10.0.0.2"] as string[] };
    const source = dnsSource({ host: "pg-r.db.svc", port: 5432 }, TEMPLATE, resolverOf(table));
    const names = async () => (await source.discover(new AbortController().signal)).map((n) => n.name);
    expect(await names()).toEqual(["10.0.0.1:5432", "10.0.0.2:5432"]);
    table.v4 = ["10.0.0.2", "10.0.0.3"];
    expect(await names()).toEqual(["10.0.0.2:5432", "10.0.0.3:5432"]);
    expect(source.description).toBe("dns (pg-r.db.svc:5432)");
  });
});
