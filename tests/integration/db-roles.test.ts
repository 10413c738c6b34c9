/**
 * Least privilege on the embedded cluster, checked by trying (src/cluster/roles.ts, config-files.ts):
 * the runtime role reads and writes rows and can do nothing else; the owner migrates, and its new
 * tables are the runtime role's to use; the replicator only streams; the superuser comes in only
 * through the private socket directory. And an older cluster, whose runtime role owned everything,
 * converges on the next `db:up`. The runtime role has no pg_monitor: it reads replication statistics
 * through tandem_monitor's SECURITY DEFINER functions (sql/tandem-monitor.sql).
 */
import { statSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up } from "~/cluster/lifecycle";
import { queryOne, withClient } from "~/cluster/sql";
import { primaryOf } from "~/replication/state";
import { nodeUrl } from "~/replication/urls";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { migrate } from "../support/migrate";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 0 });
  await migrate(cluster.ownerUrl);
});

afterAll(async () => {
  await cluster?.stop();
});

const refused = (url: string, sql: string) => expect(queryOne(url, sql)).rejects.toThrow();

describe("the runtime role (the app's DATABASE_URL)", () => {
  it("reads and writes rows of the app's tables", async () => {
    const { id } = await queryOne<{ id: number }>(
      cluster.primaryUrl,
      "INSERT INTO users (name, email) VALUES ('Ada', 'ada@roles.test') RETURNING id",
    );
    await queryOne(cluster.primaryUrl, "UPDATE users SET name = 'Ada L.' WHERE id = $1", [id]);
    expect(
      (await queryOne<{ name: string }>(cluster.primaryUrl, "SELECT name FROM users WHERE id = $1", [id])).name,
    ).toBe("Ada L.");
    await queryOne(cluster.primaryUrl, "DELETE FROM users WHERE id = $1", [id]);
  });

  it.each([
    ["DROP TABLE users", /must be owner of table users/],
    ["TRUNCATE users", /permission denied for table users/],
    ["ALTER TABLE users ADD COLUMN x int", /must be owner of table users/],
    ["CREATE TABLE mine (x int)", /permission denied for schema public/],
    ["CREATE SCHEMA mine", /permission denied for database tandem/],
    ["CREATE DATABASE mine", /permission denied to create database/],
    ["CREATE TEMP TABLE scratch (x int)", /permission denied to create temporary tables/],
  ])("cannot %s", async (sql, error) => {
    await expect(queryOne(cluster.primaryUrl, sql)).rejects.toThrow(error);
  });

  it("is no member of pg_monitor, and reads the replication statistics through tandem_monitor's functions", async () => {
    expect(
      await queryOne(cluster.primaryUrl, "SELECT pg_has_role(current_user, 'pg_monitor', 'member') AS monitor"),
    ).toEqual({ monitor: false });
    // No replicas here: the functions answer (no rows), where the views would hide every column but pid.
    expect(
      await queryOne(
        cluster.primaryUrl,
        "SELECT (SELECT count(*) FROM tandem_monitor.replication())::int AS streams, (SELECT count(*) FROM tandem_monitor.wal_receiver())::int AS receivers",
      ),
    ).toEqual({ streams: 0, receivers: 0 });
  });
});

describe("the owner role (Prisma Migrate)", () => {
  it("creates tables that the runtime role may use at once, rows only", async () => {
    await queryOne(cluster.ownerUrl, "CREATE TABLE later_migration (id serial PRIMARY KEY, body text)");
    await queryOne(cluster.primaryUrl, "INSERT INTO later_migration (body) VALUES ('default privileges')");
    expect(
      (await queryOne<{ n: number }>(cluster.primaryUrl, "SELECT count(*)::int AS n FROM later_migration")).n,
    ).toBe(1);
    await refused(cluster.primaryUrl, "DROP TABLE later_migration");
    await queryOne(cluster.ownerUrl, "DROP TABLE later_migration");
  });

  it("may create a database (Prisma's shadow database for migrate dev)", async () => {
    await queryOne(cluster.ownerUrl, "CREATE DATABASE shadow_check");
    await queryOne(cluster.ownerUrl, "DROP DATABASE shadow_check");
  });
});

describe("the replicator and the superuser", () => {
  it("the replicator cannot open an ordinary session, only a replication connection", async () => {
    const state = cluster.state();
    const replicatorUrl = nodeUrl(state, primaryOf(state), state.replicator, "tandem");
    await expect(queryOne(replicatorUrl, "SELECT 1")).rejects.toThrow(
      /pg_hba\.conf rejects connection .*user "replicator"/,
    );
    // A physical replication connection (what a standby opens), the one kind pg_hba lets it make.
    const replication = new pg.Client({ connectionString: replicatorUrl, replication: true } as pg.ClientConfig);
    await replication.connect();
    try {
      const { rows } = await replication.query("IDENTIFY_SYSTEM");
      expect(rows[0]).toHaveProperty("systemid");
    } finally {
      await replication.end();
    }
  });

  it("the superuser is refused over TCP and comes in through the cluster's private socket directory", async () => {
    const state = cluster.state();
    await expect(queryOne(nodeUrl(state, primaryOf(state), state.superuser, "postgres"), "SELECT 1")).rejects.toThrow(
      /pg_hba\.conf rejects connection .*user "postgres"/,
    );
    expect(
      (
        await queryOne<{ su: boolean }>(
          cluster.superuserUrl,
          "SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user",
        )
      ).su,
    ).toBe(true);
    expect(new URL(cluster.superuserUrl).searchParams.get("host")).toBe(state.socketDir);
    const dir = statSync(state.socketDir!);
    expect(dir.mode & 0o777).toBe(0o700);
  });
});

describe("an older cluster, whose runtime role owned the tables and had CREATEDB and pg_monitor", () => {
  it("converges on the next db:up: ownership to the owner, CREATEDB and pg_monitor gone, rows still the runtime role's", async () => {
    await withClient(cluster.superuserUrl, async (c) => {
      await c.query("CREATE TABLE legacy (id int)");
      await c.query("ALTER TABLE legacy OWNER TO tandem");
      await c.query("ALTER ROLE tandem CREATEDB");
      await c.query("GRANT pg_monitor TO tandem");
    });
    await up({ root: cluster.root });
    const owner = await queryOne<{ owner: string; createdb: boolean; monitor: boolean }>(
      cluster.superuserUrl,
      "SELECT tableowner AS owner, (SELECT rolcreatedb FROM pg_roles WHERE rolname = 'tandem') AS createdb, pg_has_role('tandem', 'pg_monitor', 'member') AS monitor FROM pg_tables WHERE tablename = 'legacy'",
    );
    expect(owner).toEqual({ owner: "tandem_owner", createdb: false, monitor: false });
    await queryOne(cluster.primaryUrl, "INSERT INTO legacy VALUES (1)");
    await refused(cluster.primaryUrl, "DROP TABLE legacy");
  });
});
