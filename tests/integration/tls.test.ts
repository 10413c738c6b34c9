/**
 * TLS on the embedded cluster, against real PostgreSQL: plain TCP refused everywhere, every app and
 * replication connection encrypted (as pg_stat_ssl sees it), a certificate from another CA refused fast,
 * server certificates rotated under a stream of reads, and a cluster created without TLS upgraded by
 * `db:up` with its rows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCertificateAuthority } from "~/cluster/certificates";
import { pgHba, tandemConf } from "~/cluster/config-files";
import { adminUrl } from "~/cluster/context";
import { queryOne, withClient } from "~/cluster/sql";
import { servedCertificate } from "~/cluster/tls-probe";
import { waitFor } from "~/cluster/wait-for";
import { type ClusterState, type NodeState, replicasOf, writeState } from "~/replication/state";
import { TLS_SETTINGS } from "~/replication/tls-settings";
import { nodeUrl } from "~/replication/urls";
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import { createDataLayer } from "~/server/db/index";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { TEST_DATA_LAYER_SETTINGS } from "../support/data-layer-settings";
import { migrate } from "../support/migrate";
import { clusterCli } from "../support/run";

let cluster: TestCluster;
let db: DataLayer;
let scratch: string;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 2 });
  await migrate(cluster.ownerUrl);
  db = createDataLayer({
    ...TEST_DATA_LAYER_SETTINGS,
    database: { source: "environment", primaryUrl: cluster.primaryUrl, replicaUrls: cluster.replicaUrls },
  });
  scratch = mkdtempSync(path.join(os.tmpdir(), "tandem-tls-"));
});

afterAll(async () => {
  await db?.close();
  await cluster?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const nodes = () => cluster.state().nodes.filter((n) => n.role !== "fenced");
const superuserUrl = (node: NodeState, state: ClusterState = cluster.state()) => adminUrl(state, node);
/** The same URL with its query (sslmode, sslrootcert) removed: what a client that does not ask for TLS sends. */
const plain = (url: string) => url.replace(/\?.*$/, "");

/** What connecting with `config` throws (undefined if it connected), and how long it took. */
async function connectOutcome(
  config: pg.ClientConfig,
): Promise<{ error: (Error & { code?: string }) | undefined; ms: number }> {
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...config });
  client.on("error", () => {});
  const started = performance.now();
  try {
    await client.connect();
    await client.end();
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
}

/** TCP connections to `node` as pg_stat_ssl sees them, asked over TLS by the superuser. */
async function sslConnections(node: NodeState) {
  return withClient(
    superuserUrl(node),
    async (client) =>
      (
        await client.query<{ application_name: string; backend_type: string; ssl: boolean; version: string | null }>(
          `SELECT a.application_name, a.backend_type, s.ssl, s.version
         FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
        WHERE a.client_addr IS NOT NULL AND a.pid <> pg_backend_pid()`,
        )
      ).rows,
  );
}

/** Runs `read` back to back until stopped; counts successes and keeps every failure's message. */
function readStream(read: () => Promise<unknown>) {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      try {
        await read();
        ok++;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { ok, failures };
  };
}

describe("TLS on every connection", () => {
  it("every URL the cluster hands out asks for verify-full against the cluster's CA (db:env, db:status --json)", async () => {
    const rootCert = cluster.state().tls!.rootCert;
    expect(readFileSync(rootCert, "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const env = (await clusterCli(cluster.root, ["env"])).stdout;
    const status = JSON.parse((await clusterCli(cluster.root, ["status", "--json"])).stdout);
    const urls = [
      ...env
        .trim()
        .split("\n")
        .flatMap((line) => line.slice(line.indexOf("=") + 1).split(",")),
      ...[status.primary, ...status.replicas].map((n: { url: string }) => n.url),
    ];
    expect(urls).toHaveLength(7); // db:env: DATABASE_URL, MIGRATE_DATABASE_URL, two replicas; status: three nodes
    for (const url of urls) {
      expect(new URL(url).searchParams.get("sslmode")).toBe("verify-full");
      expect(new URL(url).searchParams.get("sslrootcert")).toBe(rootCert);
    }
    // Keys are private to their owner; each node has its own certificate.
    for (const node of nodes()) expect(statSync(path.join(node.dataDir, "server.key")).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(cluster.root, "tls", "ca.key")).mode & 0o777).toBe(0o600);
  });

  it("refuses plain TCP on every node: the app role, the superuser and replication", async () => {
    const state = cluster.state();
    for (const node of nodes()) {
      for (const [who, database, replication] of [
        [state.app, "tandem", undefined],
        [state.superuser, "postgres", undefined],
        [state.replicator, "replication", "true"],
      ] as const) {
        // `replication` is a startup parameter pg passes on, missing from its ClientConfig type.
        const { error } = await connectOutcome({
          host: state.host,
          port: node.port,
          user: who.user,
          password: who.password,
          database,
          replication,
          ssl: false,
        } as pg.ClientConfig);
        // The superuser matches its own reject line first (it comes in only through the private socket).
        const refusal =
          who === state.superuser
            ? /pg_hba\.conf rejects connection .*user "postgres"/
            : /no pg_hba\.conf entry for .*no encryption/;
        expect(error?.message, `${node.name} as ${who.user}`).toMatch(refusal);
      }
      // Over TLS, the replicator can open a replication connection (what the replicas do).
      const tls = new pg.Client({
        connectionString: nodeUrl(state, node, state.replicator, "replication"),
        replication: "true",
      } as pg.ClientConfig);
      await tls.connect();
      expect((await tls.query("IDENTIFY_SYSTEM")).rows).toHaveLength(1);
      await tls.end();
    }
  });

  it("pg_stat_ssl: every app connection (query pools and the monitor's) and every replication connection is encrypted", async () => {
    const { data } = await db
      .forRequest()
      .write((c) => c.user.create({ data: { name: "Over TLS", email: `tls-${Date.now()}@example.com` } }));
    for (let i = 0; i < 10; i++) await db.forRequest().read((c) => c.user.findUnique({ where: { id: data.id } }));
    await waitFor(
      "the monitor to probe every node",
      async () => (db.monitor.routable().length === 2 ? true : undefined),
      { timeoutMs: 10_000 },
    );

    const primary = await sslConnections(nodes().find((n) => n.role === "primary")!);
    const walsenders = primary.filter((c) => c.backend_type === "walsender");
    expect(walsenders.map((c) => c.application_name).sort()).toEqual(["replica1", "replica2"]);
    for (const node of nodes()) {
      const connections = node.role === "primary" ? primary : await sslConnections(node);
      const names = new Set(connections.map((c) => c.application_name));
      expect(
        names.has(`tandem-app (${node.name})`) && names.has("tandem-monitor"),
        `${node.name}: ${[...names].join(", ")}`,
      ).toBe(true);
      expect(
        connections.filter((c) => !c.ssl),
        `${node.name}: unencrypted connections`,
      ).toEqual([]);
      expect(new Set(connections.map((c) => c.version))).toEqual(new Set(["TLSv1.3"]));
    }
  });

  it("verify-full against a certificate from another CA fails at once, saying why (the app's pg, and db:status)", async () => {
    const otherCa = path.join(scratch, "other-ca.crt");
    writeFileSync(otherCa, (await createCertificateAuthority("Not this cluster's CA")).certificate);
    const wrongCa = cluster.primaryUrl.replace(/sslrootcert=[^&]*/, `sslrootcert=${otherCa}`);

    const { error, ms } = await connectOutcome({ connectionString: wrongCa });
    expect(error?.message).toBe("unable to verify the first certificate");
    expect(ms).toBeLessThan(2_000); // a handshake failure, not a timeout

    const started = performance.now();
    const status = await clusterCli(cluster.root, ["status"], { DATABASE_URL: wrongCa });
    expect(status.stdout).toContain(
      `unreachable: TLS: the certificate of 127.0.0.1:${new URL(wrongCa).port} is not signed by the CA in sslrootcert (${otherCa}) (unable to verify the first certificate).`,
    );
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it("db:certs -- rotate replaces every server certificate by a reload while reads go on: none fails", async () => {
    const state = cluster.state();
    const ca = readFileSync(state.tls!.rootCert, "utf8");
    const serials = async () =>
      Promise.all(nodes().map(async (n) => (await servedCertificate(state.host, n.port, ca)).serialNumber));
    const before = await serials();

    const { data } = await db
      .forRequest()
      .write((c) => c.user.create({ data: { name: "Rotation", email: `rotation-${Date.now()}@example.com` } }));
    // Pooled reads keep their sessions; fresh connections make a handshake each, before, during and after the reloads.
    const streams = [
      readStream(() => db.forRequest().read((c) => c.user.findUniqueOrThrow({ where: { id: data.id } }))),
      ...[cluster.primaryUrl, ...cluster.replicaUrls].map((url) =>
        readStream(() => queryOne(url, "SELECT count(*) FROM users")),
      ),
    ];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rotate = await clusterCli(cluster.root, ["certs", "rotate"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const results = await Promise.all(streams.map((stop) => stop()));

    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout.match(/\bsame\b/g)).toHaveLength(3); // each running node serves its new file
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    for (const r of results) expect(r.ok).toBeGreaterThan(5);
    const after = await serials();
    for (const [i, serial] of after.entries()) expect(serial).not.toBe(before[i]);
    await waitFor(
      "replicas streaming after the rotation",
      async () =>
        (await sslConnections(nodes()[0])).filter((c) => c.backend_type === "walsender" && c.ssl).length === 2
          ? true
          : undefined,
      { timeoutMs: 10_000 },
    );
  });

  it("after db:promote, the re-pointed replica streams from the new primary with verify-full", async () => {
    await db.close();
    const promoted = await clusterCli(cluster.root, ["promote", "replica1"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    const state = cluster.state();
    const replica2 = state.nodes.find((n) => n.name === "replica2")!;
    const conninfo = await queryOne<{ c: string }>(
      superuserUrl(replica2),
      "SELECT current_setting('primary_conninfo') AS c",
    );
    expect(conninfo.c).toContain(`port=${state.nodes.find((n) => n.name === "replica1")!.port} `);
    expect(conninfo.c).toContain(`sslmode=verify-full sslrootcert=${state.tls!.rootCert}`);
    await waitFor(
      "replica2 streaming from replica1 over TLS",
      async () => {
        const walsenders = (await sslConnections(state.nodes.find((n) => n.name === "replica1")!)).filter(
          (c) => c.backend_type === "walsender",
        );
        return walsenders.length === 1 && walsenders[0].application_name === "replica2" && walsenders[0].ssl
          ? true
          : undefined;
      },
      { timeoutMs: 15_000 },
    );
  });

  // Last: it turns this cluster into one "created without TLS", then upgrades it.
  it("db:up upgrades a cluster created without TLS: its rows kept, plain TCP refused, replicas streaming over TLS", async () => {
    const tlsState = cluster.state();
    const primary = tlsState.nodes.find((n) => n.role === "primary")!;
    const replicaNames = replicasOf(tlsState).map((r) => r.name);
    await downgradeToPlaintext(tlsState);
    const oldState = cluster.state();
    expect(oldState.tls).toBeUndefined();
    const oldPrimary = plain(nodeUrl(oldState, primary));
    // Really plain now: the replicas stream without TLS, and rows go in over a plain connection.
    await waitFor(
      "replicas streaming in plain text",
      async () => {
        const rows = await queryOne<{ n: number }>(
          superuserUrl(primary, oldState),
          "SELECT count(*)::int AS n FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid) WHERE r.state = 'streaming' AND NOT s.ssl",
        );
        return rows.n === replicaNames.length ? true : undefined;
      },
      { timeoutMs: 15_000 },
    );
    await queryOne(
      oldPrimary,
      "INSERT INTO users (name, email) SELECT 'Old ' || g, 'old' || g || '@example.com' FROM generate_series(1, 100) g",
    );
    const count = async (url: string) =>
      (await queryOne<{ n: number }>(url, "SELECT count(*)::int AS n FROM users WHERE email LIKE 'old%'")).n;

    const upgrade = await clusterCli(cluster.root, ["up"]);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stderr).toContain("created without TLS; upgrading it");

    const upgraded = cluster.state();
    expect(upgraded.tls?.rootCert).toBeDefined();
    const urls = [nodeUrl(upgraded, primary), ...replicasOf(upgraded).map((r) => nodeUrl(upgraded, r))];
    for (const url of urls) {
      await waitFor(`the rows on ${new URL(url).port}`, async () => ((await count(url)) === 100 ? true : undefined), {
        timeoutMs: 10_000,
      });
      expect((await connectOutcome({ connectionString: plain(url) })).error?.message).toMatch(
        /no pg_hba\.conf entry .*no encryption/,
      );
    }
    await waitFor(
      "every replica streaming over TLS",
      async () => {
        const walsenders = (await sslConnections(primary)).filter((c) => c.backend_type === "walsender");
        return walsenders
          .filter((c) => c.ssl)
          .map((c) => c.application_name)
          .sort()
          .join() === replicaNames.sort().join()
          ? true
          : undefined;
      },
      { timeoutMs: 15_000 },
    );
    // Idempotent: a second db:up finds nothing to do.
    const again = await clusterCli(cluster.root, ["up"]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/TLS:/);
  });
});

/**
 * Makes the running cluster what an earlier version created: no ssl settings, `host` lines in pg_hba.conf,
 * replicas streaming in plain text, no certificates and no `tls` in the state file.
 */
async function downgradeToPlaintext(state: ClusterState): Promise<void> {
  const oldSettings = tandemConf(state.socketDir).replace(TLS_SETTINGS, "");
  const oldHba = pgHba(state.socketDir).replace(/^hostssl/gm, "host");
  const withoutTls: ClusterState = { ...state, tls: undefined };
  for (const node of state.nodes.filter((n) => n.role !== "fenced")) {
    await withClient(superuserUrl(node, state), async (client) => {
      writeFileSync(path.join(node.dataDir, "tandem.conf"), oldSettings);
      writeFileSync(path.join(node.dataDir, "pg_hba.conf"), oldHba);
      if (node.role === "replica") {
        const conninfo = (await client.query<{ c: string }>("SELECT current_setting('primary_conninfo') AS c")).rows[0]
          .c;
        await client.query(`ALTER SYSTEM SET primary_conninfo = '${conninfo.replace(/ sslmode=.*$/, "")}'`);
      }
      await client.query("SELECT pg_reload_conf()");
    });
  }
  for (const node of state.nodes)
    for (const file of ["server.crt", "server.key"]) rmSync(path.join(node.dataDir, file), { force: true });
  rmSync(path.dirname(state.tls!.rootCert), { recursive: true, force: true });
  rmSync(path.join(cluster.root, "tls"), { recursive: true, force: true });
  writeState(cluster.root, withoutTls);
  expect(existsSync(state.tls!.rootCert)).toBe(false);
}
