/**
 * The node set changing under a running data layer, on a real cluster with the embedded topology source
 * (the cluster's state file): a replica that `db:up --replicas N` adds gets reads without a restart, and
 * a replica taken out of the state file drains under concurrent reads (reads already on it finish there,
 * none fails, none starts there afterwards) before its pool is closed. Then the DNS source over a real
 * DNS exchange: a UDP DNS server in the test (dns2) answers for a name, node's resolver asks it, and each
 * address is a loopback alias (127.0.0.x) forwarding TCP to one node, so all nodes share one port.
 */
import { Resolver } from "node:dns/promises";
import net from "node:net";
import dns2 from "dns2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up } from "../../src/cluster/lifecycle";
import { queryOne } from "../../src/cluster/sql";
import { waitFor } from "../../src/cluster/wait-for";
import { readState, writeState } from "../../src/replication/state";
import type { DataLayer } from "../../src/server/db/data-layer/data-layer";
import { createDataLayer } from "../../src/server/db/index";
import { routingView } from "../../src/server/routing-view";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { migrate } from "../support/migrate";

let cluster: TestCluster;
let db: DataLayer;
/** Every node's port as created, kept after a test takes one out of the state file (it keeps running). */
let ports: Record<string, number>;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 1 });
  await migrate(cluster.ownerUrl);
  ports = {
    primary: cluster.state().basePort,
    replica1: cluster.state().basePort + 1,
    replica2: cluster.state().basePort + 2,
  };
  db = createDataLayer({
    ...TEST_DATA_LAYER_SETTINGS,
    TOPOLOGY_POLL_INTERVAL_MS: 200,
    database: {
      source: "embedded",
      topology: { kind: "embedded", dataRoot: cluster.root },
      primaryUrl: cluster.primaryUrl,
      replicaUrls: cluster.replicaUrls,
      names: ["primary", "replica1"],
    },
  });
});

afterAll(async () => {
  await db?.close();
  await cluster?.stop();
});

/** The node names that served `count` plain reads. */
async function servedBy(count: number): Promise<string[]> {
  const nodes: string[] = [];
  for (let i = 0; i < count; i++) nodes.push((await db.forRequest().read((c) => c.user.count())).servedBy.node);
  return nodes;
}

/** How many connections the app's query pool for `node` holds on it (the pool connects as the app role, as `url` does). */
async function appConnections(url: string, node: string): Promise<number> {
  const sql = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1";
  return (await queryOne<{ n: number }>(url, sql, [`tandem-app (${node})`])).n;
}

describe("embedded topology source", () => {
  it("routes reads to a replica added by db:up, without a restart, once it is healthy", async () => {
    await db.monitor.start();
    expect(db.nodes.map((n) => n.name)).toEqual(["primary", "replica1"]);
    await up({ root: cluster.root, replicas: 2 });
    expect(cluster.state().nodes.map((n) => n.name)).toContain("replica2");
    await waitFor(
      "reads served by replica2",
      async () => ((await servedBy(4)).includes("replica2") ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const view = await routingView(db);
    expect(view.nodes.map((n) => n.node)).toEqual(["primary", "replica1", "replica2"]);
    expect(view.topology).toMatchObject({ kind: "embedded", lastError: null });
  });

  it("drains a replica taken out of the state file: reads on it finish, none fails, none starts there after", async () => {
    const replica2 = cluster.state().nodes.find((n) => n.name === "replica2");
    if (!replica2) throw new Error("replica2 missing");
    const replica2Url = cluster.replicaUrls[0].replace(/:\d+\//, `:${replica2.port}/`);
    await waitFor(
      "replica2 routable",
      async () => (db.monitor.routable().some((r) => r.name === "replica2") ? true : undefined),
      { timeoutMs: 30_000 },
    );

    // Concurrent readers, each read long enough (100 ms on the server) that some are on replica2 when it leaves.
    let reading = true;
    const failures: unknown[] = [];
    const reads: { node: string; started: number; ended: number }[] = [];
    const reader = async () => {
      while (reading) {
        const started = performance.now();
        try {
          const { servedBy } = await db.forRequest().read((c) => c.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.1)`);
          reads.push({ node: servedBy.node, started, ended: performance.now() });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const readers = Array.from({ length: 8 }, reader);
    let leftAt: number;
    try {
      await waitFor(
        "reads on replica2 under way",
        async () => (reads.filter((r) => r.node === "replica2").length >= 4 ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      const state = readState(cluster.root);
      if (!state) throw new Error("no state");
      writeState(cluster.root, { ...state, nodes: state.nodes.filter((n) => n.name !== "replica2") }); // the node itself keeps running
      await waitFor(
        "replica2 out of the topology",
        async () => (db.nodes.some((n) => n.name === "replica2") ? undefined : true),
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      leftAt = performance.now();
      await waitFor(
        "replica2's pool closed",
        async () => ((await appConnections(replica2Url, "replica2")) === 0 ? true : undefined),
        { timeoutMs: 20_000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 500)); // keep reading a while after the close
    } finally {
      reading = false;
      await Promise.all(readers);
    }

    expect(failures.map(String)).toEqual([]);
    // Reads that were on replica2 when it left finished there, answered.
    expect(reads.some((r) => r.node === "replica2" && r.started < leftAt && r.ended > leftAt)).toBe(true);
    // None started there once it had left.
    expect(reads.filter((r) => r.node === "replica2" && r.started > leftAt)).toEqual([]);
    expect(reads.filter((r) => r.started > leftAt).length).toBeGreaterThan(8);
    const view = await routingView(db);
    expect(view.nodes.map((n) => n.node)).toEqual(["primary", "replica1"]);
    expect(view.topology.draining).toEqual([]);
    expect(db.counts()).not.toHaveProperty("replica2");
    expect((await queryOne<{ one: number }>(replica2Url, "SELECT 1 AS one")).one).toBe(1); // it was drained, not killed
  });
});

/** A TCP listener on `address:port` that pipes every connection to 127.0.0.1:`target`. */
async function forward(address: string, port: number, target: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, address, resolve));
  return server;
}

describe("dns topology source, over a real DNS exchange", () => {
  const NAME = "pg.tandem.test";
  let answer: string[] = [];
  let dnsServer: ReturnType<typeof dns2.createServer>;
  const forwarders: net.Server[] = [];
  let dnsDb: DataLayer | undefined;

  beforeAll(async () => {
    dnsServer = dns2.createServer({
      udp: true,
      handle: (request, send) => {
        const response = dns2.Packet.createResponseFromRequest(request);
        const [question] = request.questions;
        if (question.name === NAME && question.type === dns2.Packet.TYPE.A) {
          // A plain record, as dns2's own examples push (its type wants the class it decodes into).
          const records = answer.map((address) => ({
            name: NAME,
            type: dns2.Packet.TYPE.A,
            class: dns2.Packet.CLASS.IN,
            ttl: 0,
            address,
          }));
          response.answers.push(...(records as unknown as typeof response.answers));
        }
        send(response); // AAAA: an empty answer, which node:dns reports as ENODATA
      },
    });
    await dnsServer.listen({ udp: { port: 0, address: "127.0.0.1" } });
    // One port for all nodes, as behind a headless Service: the first alias picks it, the others take it too.
    const first = await forward("127.0.0.2", 0, ports.primary);
    forwarders.push(first);
    const port = (first.address() as net.AddressInfo).port;
    forwarders.push(await forward("127.0.0.3", port, ports.replica1), await forward("127.0.0.4", port, ports.replica2));
    answer = ["127.0.0.2", "127.0.0.3"];

    const resolver = new Resolver({ timeout: 1_000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dnsServer.addresses().udp?.port}`]);
    // The template: the app's credentials and CA; the certificates name 127.0.0.1, not the aliases, so the
    // chain is verified and the host name is not (docs/topology.md, the dns source and TLS).
    const template = new URL(cluster.primaryUrl);
    template.hostname = "placeholder";
    template.searchParams.set("sslmode", "verify-ca");
    template.searchParams.set("uselibpqcompat", "true");
    dnsDb = createDataLayer(
      {
        ...TEST_DATA_LAYER_SETTINGS,
        TOPOLOGY_POLL_INTERVAL_MS: 200,
        database: {
          source: "environment",
          topology: { kind: "dns", name: { host: NAME, port } },
          primaryUrl: template.toString(),
          replicaUrls: [],
        },
      },
      { dnsResolver: resolver },
    );
  });

  afterAll(async () => {
    await dnsDb?.close();
    for (const server of forwarders) server.close();
    await dnsServer?.close();
  });

  it("finds the writer among the name's addresses, reads from the others, and follows the answer as it changes", async () => {
    const layer = dnsDb as DataLayer;
    await layer.monitor.start();
    const port = (forwarders[0].address() as net.AddressInfo).port;
    expect(layer.nodes.map((n) => n.name)).toEqual([`127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    expect(layer.monitor.writerName()).toBe(`127.0.0.2:${port}`); // DNS names no roles: the probes found it
    const written = await layer
      .forRequest()
      .write((c) => c.user.create({ data: { name: "Via DNS", email: `dns-${Date.now()}@example.com` } }));
    expect(written.servedBy.node).toBe(`127.0.0.2:${port}`);

    const reads = async (n: number) => {
      const nodes = new Set<string>();
      for (let i = 0; i < n; i++) nodes.add((await layer.forRequest().read((c) => c.user.count())).servedBy.node);
      return nodes;
    };
    answer = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]; // a pod added
    await waitFor(
      "reads on the new address",
      async () => ((await reads(4)).has(`127.0.0.4:${port}`) ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 50 },
    );

    answer = ["127.0.0.2", "127.0.0.4"]; // a pod removed
    await waitFor(
      "127.0.0.3 gone",
      async () => (layer.nodes.some((n) => n.name === `127.0.0.3:${port}`) ? undefined : true),
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    expect([...(await reads(6))]).not.toContain(`127.0.0.3:${port}`);
    expect(layer.topologyStatus()).toMatchObject({
      kind: "dns",
      description: `dns (${NAME}:${port})`,
      lastError: null,
    });

    answer = []; // the name stops resolving: the last node set is kept
    await waitFor("the source's failure seen", async () => (layer.topologyStatus().lastError ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(layer.nodes.map((n) => n.name)).toEqual([`127.0.0.2:${port}`, `127.0.0.4:${port}`]);
    expect((await layer.forRequest().read((c) => c.user.count())).data).toBeGreaterThan(0);
  });
});
