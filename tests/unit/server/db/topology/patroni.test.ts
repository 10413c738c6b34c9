import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePatroniCluster, patroniSource } from "~/server/db/topology/patroni";

const TEMPLATE = "postgresql://app:pw@placeholder:5432/tandem?sslmode=verify-ca";
const RECORDED = JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures/patroni-cluster.json"), "utf8"));

describe("parsePatroniCluster", () => {
  it("one node per member: Patroni's name, the advertised host and port, the leader as primary", () => {
    expect(parsePatroniCluster(RECORDED, TEMPLATE)).toEqual([
      { name: "pg1", url: "postgresql://app:pw@127.0.0.1:25432/tandem?sslmode=verify-ca", role: "primary" },
      { name: "pg2", url: "postgresql://app:pw@127.0.0.1:25433/tandem?sslmode=verify-ca", role: "replica" },
      // Stopped, but still a member: the probes find it unreachable and route around it.
      { name: "pg3", url: "postgresql://app:pw@127.0.0.1:25434/tandem?sslmode=verify-ca", role: "replica" },
    ]);
  });

  it("calls a pre-3.0 master primary and a standby cluster's leader a replica", () => {
    const members = [
      { name: "a", role: "master", host: "h", port: 1 },
      { name: "b", role: "standby_leader", host: "h", port: 2 },
      { name: "c", role: "sync_standby", host: "h", port: "3" },
    ];
    expect(parsePatroniCluster({ members }, TEMPLATE).map((n) => [n.name, n.role])).toEqual([
      ["a", "primary"],
      ["b", "replica"],
      ["c", "replica"],
    ]);
  });

  it("leaves out members without a host or port, and refuses an answer that is not /cluster's", () => {
    expect(
      parsePatroniCluster(
        {
          members: [
            { name: "x", role: "replica" },
            { name: "y", role: "replica", host: "h", port: 5 },
          ],
        },
        TEMPLATE,
      ).map((n) => n.name),
    ).toEqual(["y"]);
    expect(() => parsePatroniCluster({ state: "running" }, TEMPLATE)).toThrow(/not a Patroni \/cluster answer/);
  });
});

describe("patroniSource against a real HTTP server", () => {
  const servers: http.Server[] = [];
  let answering: string;
  let hanging: string;
  let down: string;

  const listen = async (handler: http.RequestListener) => {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    answering = await listen((req, res) => {
      if (req.url !== "/cluster") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(RECORDED));
    });
    hanging = await listen(() => {}); // accepts, never answers: a member whose API hangs
    // A port that refuses: listen, note it, close.
    down = await listen(() => {});
    await new Promise((resolve) => servers.pop()?.close(resolve));
  });

  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it("asks the next member when one refuses or times out", async () => {
    const source = patroniSource([down, hanging, answering], TEMPLATE, { memberTimeoutMs: 300 });
    const started = performance.now();
    const nodes = await source.discover(new AbortController().signal);
    expect(nodes.map((n) => n.name)).toEqual(["pg1", "pg2", "pg3"]);
    expect(performance.now() - started).toBeLessThan(3_000); // the hanging member cost its timeout, not more
  });

  it("fails, naming each member's failure, when none answers", async () => {
    const source = patroniSource([down, hanging], TEMPLATE, { memberTimeoutMs: 200 });
    await expect(source.discover(new AbortController().signal)).rejects.toThrow(
      /no Patroni member answered \/cluster \(.*ECONNREFUSED.*; .*(timeout|aborted)/i,
    );
  });
});
