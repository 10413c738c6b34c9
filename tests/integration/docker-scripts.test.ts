/**
 * docker/postgres's scripts run for real, without Docker, against a throwaway embedded PostgreSQL 16:
 * init-primary.sh as the image would run it (psql as the superuser), and replica-entrypoint.sh with
 * stand-ins for what only the container has (gosu, the image's docker-entrypoint.sh, and pg_basebackup 16:
 * Debian's client is older and refuses a newer server; the stand-in does what --create-slot does). Paths
 * that exist only in the container are moved to a temp directory; nothing else in the scripts changes.
 * Needs psql and pg_isready (Debian's postgresql-client, which .ci/run installs).
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "../support/cluster";

const root = path.resolve(import.meta.dirname, "../..");
const hasClient = ["psql", "pg_isready"].every((tool) => spawnSync(tool, ["--version"]).status === 0);

// Passwords with the characters that break naive quoting in SQL, conninfo and passfiles.
const REPLICATOR_PASSWORD = "r'e:p\\l-0123456789";
const APP_PASSWORD = "app'pass:word-0123456789";
const OWNER_PASSWORD = "own'er:pass\\word-0123456789";

describe.skipIf(!hasClient)(
  "docker/postgres scripts against PostgreSQL 16 (needs psql: apt-get install postgresql-client)",
  () => {
    let cluster: TestCluster;
    let dir: string;
    /** `socket`: the superuser's way in (a directory; TCP refuses it); everyone else uses `host` over TCP. */
    let server: { host: string; socket: string; port: string; password: string };
    /** The test cluster's CA: it speaks TLS only, as the docker nodes do, and stands in for docker/tls/ca.crt. */
    let ca: string;

    beforeAll(async () => {
      cluster = await startTestCluster({ replicas: 0 });
      const url = new URL(cluster.superuserUrl);
      server = {
        host: url.hostname,
        socket: url.searchParams.get("host") ?? url.hostname,
        port: url.port,
        password: decodeURIComponent(url.password),
      };
      ca = cluster.state().tls!.rootCert;
      dir = mkdtempSync(path.join(os.tmpdir(), "tandem-docker-scripts-"));
      // As on a fresh postgres:16 volume: no app role, database or replicator yet.
      await superuser("DROP DATABASE tandem", "DROP ROLE tandem", "DROP ROLE tandem_owner", "DROP ROLE replicator");
    });

    afterAll(async () => {
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function superuser(...statements: string[]): Promise<pg.QueryResult[]> {
      // The maintenance database: the tests drop and re-create database tandem.
      // Over the private socket (the superuser has no TCP line), where TLS does not apply.
      const client = new pg.Client({
        host: server.socket,
        port: Number(server.port),
        user: "postgres",
        password: server.password,
        database: "postgres",
      });
      await client.connect();
      try {
        const results = [];
        for (const sql of statements) results.push(await client.query(sql));
        return results;
      } finally {
        await client.end();
      }
    }

    const tls = () => ({ ca: readFileSync(ca, "utf8") });
    /** libpq's TLS settings for psql from the test (in the containers, init-primary.sh uses the Unix socket). */
    const libpqTls = () => ({ PGSSLMODE: "verify-full", PGSSLROOTCERT: ca });

    /** A copy of a docker/postgres script with container-only paths replaced. */
    function scriptCopy(name: string, replacements: Record<string, string>): string {
      let text = readFileSync(path.join(root, "docker/postgres", name), "utf8");
      for (const [from, to] of Object.entries(replacements)) {
        expect(text).toContain(from);
        text = text.replaceAll(from, to);
      }
      const file = path.join(dir, name);
      writeFileSync(file, text, { mode: 0o755 });
      return file;
    }

    function run(file: string, env: Record<string, string>, args: string[] = []) {
      // Only these variables: the scripts must not depend on anything the test process happens to have.
      const scriptEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } as unknown as NodeJS.ProcessEnv;
      return spawnSync(file, args, { env: scriptEnv, encoding: "utf8" });
    }

    describe("init-primary.sh", () => {
      const pgdata = () => path.join(dir, "primary-data");
      const initPrimary = () =>
        scriptCopy("init-primary.sh", {
          "/etc/postgresql/tandem.conf": path.join(root, "docker/postgres/tandem.conf"),
          "/etc/postgresql/tandem-monitor.sql": path.join(root, "sql/tandem-monitor.sql"),
        });
      const envFor = (appPassword: string) => ({
        PGHOST: server.socket,
        PGPORT: server.port,
        PGPASSWORD: server.password,
        ...libpqTls(),
        PGDATA: pgdata(),
        POSTGRES_USER: "postgres",
        REPLICATOR_PASSWORD,
        TANDEM_OWNER_PASSWORD: OWNER_PASSWORD,
        TANDEM_DB_PASSWORD: appPassword,
      });

      it("creates the roles and the database as the embedded cluster has them, and includes tandem.conf once", async () => {
        mkdirSync(pgdata(), { recursive: true });
        writeFileSync(path.join(pgdata(), "postgresql.conf"), "# as initdb wrote it\n");
        const script = initPrimary();
        for (let i = 0; i < 2; i++) {
          const result = run(script, envFor(APP_PASSWORD));
          expect(result.stderr).toBe("");
          expect(result.status).toBe(0);
        }
        const [roles, db] = await superuser(
          `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolcanlogin, pg_has_role(rolname, 'pg_monitor', 'member') AS monitor
           FROM pg_roles WHERE rolname IN ('replicator', 'tandem', 'tandem_owner') ORDER BY rolname`,
          "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'tandem'",
        );
        expect(roles.rows).toEqual([
          {
            rolname: "replicator",
            rolsuper: false,
            rolcreatedb: false,
            rolcreaterole: false,
            rolreplication: true,
            rolcanlogin: true,
            monitor: false,
          },
          {
            rolname: "tandem",
            rolsuper: false,
            rolcreatedb: false,
            rolcreaterole: false,
            rolreplication: false,
            rolcanlogin: true,
            monitor: false,
          },
          {
            rolname: "tandem_owner",
            rolsuper: false,
            rolcreatedb: true,
            rolcreaterole: false,
            rolreplication: false,
            rolcanlogin: true,
            monitor: false,
          },
        ]);
        expect(db.rows).toEqual([{ owner: "tandem_owner" }]);
        const conf = readFileSync(path.join(pgdata(), "postgresql.conf"), "utf8");
        expect(conf.match(/^include = '.*tandem\.conf'$/gm)).toHaveLength(1);

        // The passwords, with their quotes, colons and backslashes, are the ones that work.
        const app = new pg.Client({
          host: server.host,
          port: Number(server.port),
          user: "tandem",
          password: APP_PASSWORD,
          database: "tandem",
          ssl: tls(),
        });
        await app.connect();
        expect((await app.query("SELECT current_user AS u")).rows).toEqual([{ u: "tandem" }]);
        // Rows only: the owner's tables, present and future, but no DDL.
        const owner = new pg.Client({
          host: server.host,
          port: Number(server.port),
          user: "tandem_owner",
          password: OWNER_PASSWORD,
          database: "tandem",
          ssl: tls(),
        });
        await owner.connect();
        await owner.query("CREATE TABLE after_init (id serial PRIMARY KEY, body text)");
        await app.query("INSERT INTO after_init (body) VALUES ('rows are fine')");
        await expect(app.query("DROP TABLE after_init")).rejects.toThrow(/must be owner/);
        await expect(app.query("CREATE TABLE mine (x int)")).rejects.toThrow(/permission denied for schema public/);
        await owner.query("DROP TABLE after_init");
        await owner.end();
        await app.end();
        const replication = spawnSync(
          "psql",
          [`host=${server.host} port=${server.port} user=replicator replication=true`, "-XAtc", "IDENTIFY_SYSTEM"],
          {
            env: { ...process.env, PGPASSWORD: REPLICATOR_PASSWORD, ...libpqTls() },
            encoding: "utf8",
          },
        );
        expect(replication.status).toBe(0);
      });

      it("a re-run converges to docker/.env: a changed password is applied", async () => {
        const result = run(initPrimary(), envFor("a-new-app-password-0123456789"));
        expect(result.status).toBe(0);
        const app = new pg.Client({
          host: server.host,
          port: Number(server.port),
          user: "tandem",
          password: "a-new-app-password-0123456789",
          database: "tandem",
          ssl: tls(),
        });
        await app.connect();
        await app.end();
      });

      it("sourced rather than run (a checkout that lost the exec bit), it leaves the entrypoint's shell as it was", () => {
        // The image's entrypoint sources a non-executable *.sh; what follows in it must not inherit set -eu.
        const sourced = spawnSync(
          "bash",
          ["-c", `. "$1"; echo "after: \${NOT_SET_ANYWHERE}done"`, "entrypoint", initPrimary()],
          {
            env: { ...process.env, ...envFor(APP_PASSWORD) },
            encoding: "utf8",
          },
        );
        expect(sourced.stderr).toBe("");
        expect(sourced.stdout).toMatch(/after: done\n$/);
      });

      it("refuses to run without the passwords, saying where they come from", () => {
        const { REPLICATOR_PASSWORD: _, ...env } = envFor(APP_PASSWORD);
        const result = run(initPrimary(), env);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toMatch(
          /REPLICATOR_PASSWORD: must be set \(npm run docker:up writes it to docker\/\.env\)/,
        );
      });
    });

    describe("replica-entrypoint.sh", () => {
      let pgdata: string;
      let passfile: string;
      let log: string;
      let script: string;
      let bin: string;

      beforeAll(() => {
        pgdata = path.join(dir, "replica-data");
        passfile = path.join(dir, "replication.pgpass");
        log = path.join(dir, "calls.log");
        bin = path.join(dir, "bin");
        mkdirSync(pgdata, { recursive: true });
        mkdirSync(bin);
        const stub = (name: string, body: string) =>
          writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        stub("gosu", 'shift; exec "$@"'); // the container's user switch; here we stay who we are
        stub("chown", "exit 0");
        stub("docker-entrypoint.sh", `echo "docker-entrypoint.sh $*" >>${log}`);
        // pg_basebackup 16's --create-slot, then a data directory. Fails, as the real one does, if the slot exists.
        // Its source is a promoted replica: the copy brings that replica's marker first. STANDIN_KILLED=1: the
        // container dies during the copy (the stand-in exits 137, as a SIGKILLed process would show).
        stub(
          "pg_basebackup",
          `echo "pg_basebackup $*" >>${log}
for a in "$@"; do case $a in --dbname=*) db=\${a#--dbname=};; --pgdata=*) data=\${a#--pgdata=};; --slot=*) slot=\${a#--slot=};; esac; done
psql "$db replication=true" -XAtc "CREATE_REPLICATION_SLOT $slot PHYSICAL RESERVE_WAL" >/dev/null || exit 1
mkdir -p "$data"; echo "the source's" >"$data/tandem-replica-built"
[ "\${STANDIN_KILLED:-}" = 1 ] && exit 137
echo 16 >"$data/PG_VERSION"; echo "# the primary's" >"$data/postgresql.auto.conf"`,
        );
        script = scriptCopy("replica-entrypoint.sh", {
          "/var/lib/postgresql/replication.pgpass": passfile,
          "/etc/postgresql/tls/ca.crt": ca,
        });
      });

      const startContainer = (env: Record<string, string> = {}) => {
        writeFileSync(log, "");
        const result = run(
          script,
          {
            PATH: `${bin}:${process.env.PATH}`,
            PGDATA: pgdata,
            PGDATABASE: "tandem", // as compose sets it, for docker exec psql
            REPLICA_NAME: "replica1",
            PRIMARY_HOST: server.host,
            PRIMARY_PORT: server.port,
            REPLICATOR_PASSWORD,
            ...env,
          },
          ["postgres"],
        );
        return { result, calls: readFileSync(log, "utf8").trim().split("\n") };
      };
      const start = () => {
        const { result, calls } = startContainer();
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        return calls;
      };
      const marker = () => path.join(pgdata, "tandem-replica-built");
      const slots = async () =>
        (await superuser("SELECT slot_name, slot_type, active FROM pg_replication_slots"))[0].rows;

      it("builds on an empty volume: its own slot, standby.signal, conninfo with a passfile, then the image's entrypoint", async () => {
        const calls = start();
        expect(calls).toEqual([
          `pg_basebackup --dbname=host=${server.host} port=${server.port} user=replicator passfile=${passfile} application_name=replica1 sslmode=verify-full sslrootcert=${ca} --pgdata=${pgdata}/tandem-basebackup --wal-method=stream --slot=replica1 --create-slot --checkpoint=fast --no-password`,
          "docker-entrypoint.sh postgres",
        ]);
        expect(await slots()).toEqual([{ slot_name: "replica1", slot_type: "physical", active: false }]);
        expect(existsSync(path.join(pgdata, "standby.signal"))).toBe(true);
        const auto = readFileSync(path.join(pgdata, "postgresql.auto.conf"), "utf8");
        expect(auto).toContain(
          `primary_conninfo = 'host=${server.host} port=${server.port} user=replicator passfile=${passfile} application_name=replica1 sslmode=verify-full sslrootcert=${ca}'`,
        );
        expect(auto).toContain("primary_slot_name = 'replica1'");
        expect(auto).not.toContain(REPLICATOR_PASSWORD);
        expect(readFileSync(passfile, "utf8")).toBe("*:*:*:replicator:r'e\\:p\\\\l-0123456789\n");
        expect(statSync(passfile).mode & 0o777).toBe(0o600);
        // Its own marker, not the one the backup copied from its source.
        expect(readFileSync(marker(), "utf8")).toBe("");
        expect(readdirSync(pgdata).sort()).toEqual([
          "PG_VERSION",
          "postgresql.auto.conf",
          "standby.signal",
          "tandem-replica-built",
        ]);
      });

      it("on later starts only hands over: no second base backup", () => {
        expect(start()).toEqual(["docker-entrypoint.sh postgres"]);
      });

      it("rebuilds a deleted volume, dropping the slot its earlier life left on the primary", async () => {
        for (const entry of readdirSync(pgdata)) rmSync(path.join(pgdata, entry), { recursive: true });
        expect(start().map((c) => c.split(" ")[0])).toEqual(["pg_basebackup", "docker-entrypoint.sh"]);
        expect(await slots()).toEqual([{ slot_name: "replica1", slot_type: "physical", active: false }]);
      });

      it("redoes a bootstrap that was interrupted (data but no marker), from an empty directory", () => {
        rmSync(marker());
        writeFileSync(path.join(pgdata, "half-copied-file"), "x");
        expect(start().map((c) => c.split(" ")[0])).toEqual(["pg_basebackup", "docker-entrypoint.sh"]);
        expect(readdirSync(pgdata).sort()).toEqual([
          "PG_VERSION",
          "postgresql.auto.conf",
          "standby.signal",
          "tandem-replica-built",
        ]);
      });

      it("redoes a backup killed after it copied a promoted source's marker: that marker never reaches PGDATA", () => {
        for (const entry of readdirSync(pgdata)) rmSync(path.join(pgdata, entry), { recursive: true });
        const killed = startContainer({ STANDIN_KILLED: "1" });
        expect(killed.result.status).not.toBe(0);
        expect(killed.calls.map((c) => c.split(" ")[0])).toEqual(["pg_basebackup"]); // the server never started
        expect(existsSync(path.join(pgdata, "tandem-basebackup", "tandem-replica-built"))).toBe(true);
        expect(existsSync(marker())).toBe(false);
        // The next start sees no marker, so it builds again from an empty directory.
        expect(start().map((c) => c.split(" ")[0])).toEqual(["pg_basebackup", "docker-entrypoint.sh"]);
        expect(readdirSync(pgdata).sort()).toEqual([
          "PG_VERSION",
          "postgresql.auto.conf",
          "standby.signal",
          "tandem-replica-built",
        ]);
        expect(readFileSync(marker(), "utf8")).toBe("");
      });
    });
  },
);
