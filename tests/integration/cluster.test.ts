/**
 * The embedded cluster, end to end through the same CLI the npm scripts run: replication, verify,
 * restart, crash recovery, replay pause, errors. Promotion has its own file (it changes the topology).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "~/cluster/ports";
import { queryOne, withClient } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { writeState } from "~/replication/state";
import { clusterUrls } from "~/replication/urls";
import { freeBasePort, startTestCluster, type TestCluster } from "../support/cluster";
import { postmasterOf, serverProcesses } from "../support/postmaster";
import { clusterCli } from "../support/run";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 2 });
});

afterAll(async () => {
  await cluster?.stop();
});

/** Resolves once `sql` returns a row on the node, or fails after the bound. */
async function visibleOn(url: string, sql: string, params: unknown[] = []): Promise<void> {
  await waitFor(`row on ${new URL(url).port}`, async () => ((await queryOne(url, sql, params)) ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 20,
  });
}

describe("replication", () => {
  it("streams to every replica, which are read-only and in recovery", async () => {
    const streaming = await queryOne<{ names: string[] }>(
      cluster.superuserUrl,
      "SELECT array_agg(application_name ORDER BY application_name) AS names FROM pg_stat_replication WHERE state = 'streaming'",
    );
    expect(streaming.names).toEqual(["replica1", "replica2"]);
    for (const url of cluster.replicaUrls) {
      expect((await queryOne<{ r: boolean }>(url, "SELECT pg_is_in_recovery() AS r")).r).toBe(true);
      await expect(queryOne(url, "CREATE TABLE nope (x int)")).rejects.toThrow(/read-only transaction/);
    }
  });

  it("shows a row written on the primary on both replicas", async () => {
    await withClient(cluster.ownerUrl, async (c) => {
      await c.query("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
      await c.query("INSERT INTO notes (body) VALUES ('written on the primary')");
    });
    for (const url of cluster.replicaUrls)
      await visibleOn(url, "SELECT 1 FROM notes WHERE body = 'written on the primary'");
  });

  it("uses scram-sha-256 for every role and allows replication only to the replicator role", async () => {
    const roles = await queryOne<{ ok: boolean }>(
      cluster.superuserUrl,
      "SELECT bool_and(rolpassword LIKE 'SCRAM-SHA-256$%') AS ok FROM pg_authid WHERE rolcanlogin",
    );
    expect(roles.ok).toBe(true);
    const hba = await withClient(
      cluster.superuserUrl,
      async (c) =>
        (
          await c.query<{ database: string[]; user_name: string[]; auth_method: string }>(
            "SELECT database, user_name, auth_method FROM pg_hba_file_rules",
          )
        ).rows,
    );
    expect(hba.filter((r) => r.database.includes("replication")).map((r) => r.user_name)).toEqual([["replicator"]]);
    // Every line that lets anyone in asks for a scram password; the others turn roles away (db-roles.test.ts tries them).
    expect(new Set(hba.filter((r) => r.auth_method !== "reject").map((r) => r.auth_method))).toEqual(
      new Set(["scram-sha-256"]),
    );
  });
});

describe("db:status and db:verify", () => {
  it("prints one JSON object whose URLs connect, with every replica streaming", async () => {
    const result = await clusterCli(cluster.root, ["status", "--json"]);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.primary).toMatchObject({ name: "primary", role: "primary", running: true, inRecovery: false });
    expect(status.replicas.map((r: { name: string; state: string }) => [r.name, r.state])).toEqual([
      ["replica1", "streaming"],
      ["replica2", "streaming"],
    ]);
    for (const node of [status.primary, ...status.replicas]) {
      expect(node.url).toBe(
        `postgresql://tandem:${cluster.state().app.password}@127.0.0.1:${node.port}/tandem?sslmode=verify-full&sslrootcert=${cluster.state().tls!.rootCert}`,
      );
      expect((await queryOne<{ db: string }>(node.url, "SELECT current_database() AS db")).db).toBe("tandem");
      expect(node.timeline).toBe(1);
    }
    for (const replica of status.replicas) {
      expect(replica.walReceiver.status).toBe("streaming");
      expect(replica.slot).toMatchObject({ name: replica.name, active: true });
      expect(replica.lagBytes).toBeTypeOf("number");
    }
  });

  it("passes the seven checks, with the application check reported as a placeholder", async () => {
    // PORT: a free port, so no app found where `npm run dev` serves (verify-app-check.test.ts has one).
    const [devPort] = await freePorts(1);
    const result = await clusterCli(cluster.root, ["verify", "--json"], { PORT: String(devPort), TANDEM_APP_URL: "" });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const checks: { id: number; node: string; outcome: string }[] = JSON.parse(result.stdout);
    expect([...new Set(checks.map((c) => c.id))]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(checks.filter((c) => c.id !== 6).every((c) => c.outcome === "pass")).toBe(true);
    expect(checks.find((c) => c.id === 6)?.outcome).toBe("skip");
    for (const id of [1, 2, 3, 4, 5, 7])
      expect(checks.filter((c) => c.id === id).map((c) => c.node)).toEqual(["replica1", "replica2"]);
  });

  it("prints tables that fit 100 columns, and every column with --wide", async () => {
    const widest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));
    const status = await clusterCli(cluster.root, ["status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(widest(status.stdout)).toBeLessThanOrEqual(100);
    expect(status.stdout).toMatch(/^replica1 +replica +\d+ +yes +streaming \(async\) /m);
    const wide = await clusterCli(cluster.root, ["status", "--wide"]);
    expect(wide.stdout).toMatch(/write lag +flush lag +replay lag +bytes behind +slot \(retained\) +wal receiver/);
    expect(widest(wide.stdout)).toBeGreaterThan(100);
    const [devPort] = await freePorts(1);
    const verify = await clusterCli(cluster.root, ["verify"], { PORT: String(devPort), TANDEM_APP_URL: "" });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(widest(verify.stdout)).toBeLessThanOrEqual(100);
    expect(verify.stdout).toMatch(/^5 +replay delay +replica1 +PASS +replayed/m);
  });

  it("says when replay is paused, resumed or already so, and shows progress while verify waits for a paused replica", async () => {
    try {
      expect((await clusterCli(cluster.root, ["pause", "replica1"])).stderr).toMatch(
        /^\[cluster\] replica1: replay (paused|pause requested)/m,
      );
      expect((await clusterCli(cluster.root, ["pause", "replica1"])).stderr).toMatch(
        /^\[cluster\] replica1: (replay is already paused|a replay pause is already requested)/m,
      );
      const [devPort] = await freePorts(1);
      const verify = await clusterCli(cluster.root, ["verify"], { PORT: String(devPort), TANDEM_APP_URL: "" });
      expect(verify.code).toBe(1);
      expect(verify.stdout).toMatch(/replica1 +FAIL +not replayed within 5000 ms/);
      // Not a TTY: plain lines, after a second and when the wait ends (VISIBILITY_BOUND_MS, 5 s).
      expect(verify.stderr).toMatch(
        /^… waiting for replica1, replica2 to replay a marker row \(at most 5 s each\) \(1\.\d s\)$/m,
      );
      expect(verify.stderr).toMatch(
        /^✓ waiting for replica1, replica2 to replay a marker row \(at most 5 s each\): done after \d+\.\d s$/m,
      );
      expect(verify.stderr).not.toContain("\r");
    } finally {
      expect((await clusterCli(cluster.root, ["resume", "replica1"])).stderr).toMatch(
        /^\[cluster\] replica1: replay resumed$/m,
      );
    }
    expect((await clusterCli(cluster.root, ["resume", "replica1"])).stderr).toMatch(
      /^\[cluster\] replica1: replay is already running \(not paused\)$/m,
    );
  });

  it("fails verify, with a non-zero exit, when a replica is down", async () => {
    const replica2 = cluster.state().nodes.find((n) => n.name === "replica2")!;
    stopServer(replica2.dataDir);
    try {
      const result = await clusterCli(cluster.root, ["verify"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/replica2\s+FAIL/);
      expect(result.stdout).toMatch(/check\(s\) failed/);
    } finally {
      expect((await clusterCli(cluster.root, ["up"])).code).toBe(0);
    }
  });
});

describe("db:verify with the primary down", () => {
  it("fails and says how to recover", async () => {
    stopServer(cluster.state().nodes.find((n) => n.name === "primary")!.dataDir);
    try {
      const result = await clusterCli(cluster.root, ["verify"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/primary accepts writes\s+primary\s+FAIL/);
      // The detail wraps in its column: any run of spaces and line breaks between the words.
      expect(result.stdout.replace(/\s+/g, " ")).toContain(
        "Start it with `npm run db:up`, or fail over with `npm run db:promote -- <replica>`",
      );
    } finally {
      expect((await clusterCli(cluster.root, ["up"])).code).toBe(0);
    }
  });
});

describe("pause and resume replay", () => {
  it("freezes one replica while the other keeps up, then catches up on resume", async () => {
    expect((await clusterCli(cluster.root, ["pause", "replica1"])).code).toBe(0);
    const [replica1, replica2] = cluster.replicaUrls;
    expect((await queryOne<{ s: string }>(replica1, "SELECT pg_get_wal_replay_pause_state() AS s")).s).toBe("paused");

    await queryOne(cluster.primaryUrl, "INSERT INTO notes (body) VALUES ('during the pause')");
    await visibleOn(replica2, "SELECT 1 FROM notes WHERE body = 'during the pause'");
    expect(await queryOne(replica1, "SELECT 1 FROM notes WHERE body = 'during the pause'")).toBeUndefined();
    const status = JSON.parse((await clusterCli(cluster.root, ["status", "--json"])).stdout);
    expect(status.replicas.find((r: { name: string }) => r.name === "replica1").replayPaused).toBe(true);

    expect((await clusterCli(cluster.root, ["resume", "replica1"])).code).toBe(0);
    await visibleOn(replica1, "SELECT 1 FROM notes WHERE body = 'during the pause'");
  });
});

describe("one node at a time: db:down <node> / db:up <node>", () => {
  it("stops replica1 alone, the others go on; starting it again catches it up", async () => {
    const [replica1, replica2] = cluster.replicaUrls;
    await queryOne(cluster.ownerUrl, "CREATE TABLE IF NOT EXISTS outages (body text)");
    const stopped = await clusterCli(cluster.root, ["down", "replica1"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/replica1: stopped/);
    await expect(queryOne(replica1, "SELECT 1")).rejects.toThrow();

    await queryOne(cluster.primaryUrl, "INSERT INTO outages (body) VALUES ('while replica1 was down')");
    await visibleOn(replica2, "SELECT 1 FROM outages WHERE body = 'while replica1 was down'");
    const shown = await clusterCli(cluster.root, ["status", "--json"]);
    expect(shown.stdout, shown.stderr).not.toBe("");
    const status = JSON.parse(shown.stdout);
    expect(status.replicas.map((r: { name: string; running: boolean }) => [r.name, r.running])).toEqual([
      ["replica1", false],
      ["replica2", true],
    ]);

    const started = await clusterCli(cluster.root, ["up", "replica1"]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toMatch(/replica1: started \(replica/);
    expect(started.stderr).not.toMatch(/primary: |replica2: /); // the others were left alone
    await visibleOn(replica1, "SELECT 1 FROM outages WHERE body = 'while replica1 was down'");
  });

  it("refuses an unknown node, and cluster options with a node name", async () => {
    const unknown = await clusterCli(cluster.root, ["down", "replica9"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown node 'replica9'.");
    const mixed = await clusterCli(cluster.root, ["up", "replica1", "--replicas", "3"]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("--replicas and --port apply to the whole cluster, not to one node.");
  });
});

describe("restarts", () => {
  it("keeps data across db:down / db:up, and replicas resume streaming", async () => {
    await queryOne(cluster.primaryUrl, "INSERT INTO notes (body) VALUES ('before the restart')");
    expect((await clusterCli(cluster.root, ["down"])).code).toBe(0);
    await expect(queryOne(cluster.primaryUrl, "SELECT 1")).rejects.toThrow();
    const upAgain = await clusterCli(cluster.root, ["up"]);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    expect(upAgain.stderr).toMatch(/every replica is streaming/);
    for (const url of [cluster.primaryUrl, ...cluster.replicaUrls])
      await visibleOn(url, "SELECT 1 FROM notes WHERE body = 'before the restart'");
  });

  it("recovers after kill -9 of every postgres process, losing no committed row", async () => {
    await queryOne(cluster.primaryUrl, "INSERT INTO notes (body) VALUES ('before the crash')");
    const pids = cluster.state().nodes.flatMap((n) => serverProcesses(n.dataDir));
    expect(pids.length).toBeGreaterThan(3);
    for (const pid of pids) killIfAlive(pid);
    await waitFor("every postgres process to die", async () => (pids.every((pid) => !alive(pid)) ? true : undefined));
    // The pid files stay behind, as after a real crash.
    expect(cluster.state().nodes.every((n) => existsSync(path.join(n.dataDir, "postmaster.pid")))).toBe(true);

    const upAgain = await clusterCli(cluster.root, ["up"]);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    for (const url of [cluster.primaryUrl, ...cluster.replicaUrls])
      await visibleOn(url, "SELECT 1 FROM notes WHERE body = 'before the crash'");
  });

  it("starts a node whose stale pid file names a live process that is not postgres", async () => {
    const replica1 = cluster.state().nodes.find((n) => n.name === "replica1")!;
    stopServer(replica1.dataDir);
    // What a crash leaves when the pid has since been reused: a pid file naming some other live process.
    writeFileSync(path.join(replica1.dataDir, "postmaster.pid"), `${process.pid}\n${replica1.dataDir}\n`);
    const upAgain = await clusterCli(cluster.root, ["up"]);
    expect(upAgain.code, upAgain.stderr).toBe(0);
    expect(upAgain.stderr).toMatch(/replica1: started/);
  });
});

describe("a cluster grown and repaired by db:up", () => {
  let small: TestCluster;
  beforeAll(async () => {
    small = await startTestCluster({ replicas: 0 });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it("keeps a cluster's replica count on a plain db:up, and grows it with --replicas", async () => {
    expect((await clusterCli(small.root, ["up"])).code).toBe(0);
    expect(small.state().nodes.map((n) => n.name)).toEqual(["primary"]);
    const grown = await clusterCli(small.root, ["up", "--replicas", "1"]);
    expect(grown.code, grown.stderr).toBe(0);
    expect(small.state().nodes.map((n) => [n.name, n.role])).toEqual([
      ["primary", "primary"],
      ["replica1", "replica"],
    ]);
    const status = JSON.parse((await clusterCli(small.root, ["status", "--json"])).stdout);
    expect(status.replicas.map((r: { state: string }) => r.state)).toEqual(["streaming"]);
  });

  it("re-creates a missing app role and database (a creation interrupted after the state was written)", async () => {
    await withClient(small.superuserUrl.replace("/tandem?", "/postgres?"), async (c) => {
      await c.query("DROP DATABASE tandem WITH (FORCE)");
      await c.query("DROP ROLE tandem");
    });
    await expect(queryOne(small.primaryUrl, "SELECT 1")).rejects.toThrow();
    const repaired = await clusterCli(small.root, ["up"]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/creating role 'tandem'/);
    expect(
      (
        await queryOne<{ owner: string }>(
          small.primaryUrl,
          "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'tandem'",
        )
      ).owner,
    ).toBe("tandem_owner");
  });

  it("creates a primary over the debris of a Ctrl-C during initdb, never writing through a planted password-file symlink, and leaves none", async () => {
    // What an interrupted creation leaves: no state file, a half-made data directory and, where initdb's
    // password file goes, something else: here a symlink to a file that must not be written through it.
    const root = path.join(path.dirname(small.root), "interrupted");
    const victim = path.join(path.dirname(small.root), "not-a-password-file");
    mkdirSync(path.join(root, "primary"), { recursive: true, mode: 0o755 });
    writeFileSync(victim, "left alone\n", { mode: 0o644 });
    symlinkSync(victim, path.join(root, ".initdb-pwfile"));
    try {
      const port = await freeBasePort(1);
      const created = await clusterCli(root, ["up", "--replicas", "0", "--port", String(port)]);
      expect(created.code, created.stderr).toBe(0);
      expect(existsSync(path.join(root, ".initdb-pwfile"))).toBe(false);
      expect(readdirSync(root).sort()).toEqual(["cluster.json", "logs", "primary", "run", "tls"]); // run: the superuser's socket
      expect(readFileSync(victim, "utf8")).toBe("left alone\n");
      expect(statSync(victim).uid).toBe(process.getuid?.());
    } finally {
      await clusterCli(root, ["clean"]);
    }
  });

  it("finishes a creation interrupted before a replica was recorded: db:up builds it", async () => {
    // What Ctrl-C during the base backup leaves: the target says 1 replica, the nodes list has none.
    const replica1 = small.state().nodes.find((n) => n.name === "replica1")!;
    stopServer(replica1.dataDir);
    const state = small.state();
    writeState(small.root, { ...state, nodes: state.nodes.filter((n) => n.name !== "replica1") });
    const rerun = await clusterCli(small.root, ["up"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/replica1: base backup/);
    expect(small.state().nodes.map((n) => n.name)).toEqual(["primary", "replica1"]);
    expect(rerun.stderr).toMatch(/every replica is streaming \(1\)/);
  });

  it("promotes a stopped replica when the primary is down too, starting it first", async () => {
    expect((await clusterCli(small.root, ["down"])).code).toBe(0);
    const result = await clusterCli(small.root, ["promote", "replica1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/replica1: started \(it was not running\)/);
    expect(result.stderr).toMatch(/no replicas are left/);
    expect(small.state()).toMatchObject({ targetReplicas: 0 });
    expect(small.state().nodes.map((n) => [n.name, n.role])).toEqual([
      ["primary", "fenced"],
      ["replica1", "primary"],
    ]);
    expect(
      (await queryOne<{ r: boolean }>(clusterUrls(small.state()).primary, "SELECT pg_is_in_recovery() AS r")).r,
    ).toBe(false);
    // A plain db:up keeps the cluster as it now is: no replica is added back.
    expect((await clusterCli(small.root, ["up"])).stderr).toMatch(/the cluster has no replicas/);
  });
});

describe("two cluster commands at once", () => {
  it("take turns: two db:up creating the same cluster end with one healthy cluster, both succeeding", async () => {
    const root = path.join(path.dirname(cluster.root), "concurrent");
    const port = await freeBasePort(2);
    try {
      const [first, second] = await Promise.all([
        clusterCli(root, ["up", "--replicas", "1", "--port", String(port)]),
        clusterCli(root, ["up", "--replicas", "1", "--port", String(port)]),
      ]);
      expect([first.code, second.code], first.stderr + second.stderr).toEqual([0, 0]);
      expect(first.stderr + second.stderr).toMatch(/waiting for another cluster command to finish/);
      const status = JSON.parse((await clusterCli(root, ["status", "--json"])).stdout);
      expect(status.replicas.map((r: { state: string }) => r.state)).toEqual(["streaming"]);

      expect((await clusterCli(root, ["down"])).code).toBe(0);
      const restarts = await Promise.all([clusterCli(root, ["up"]), clusterCli(root, ["up"])]);
      expect(restarts.map((r) => r.code)).toEqual([0, 0]);
    } finally {
      await clusterCli(root, ["clean"]);
    }
  });
});

describe("errors a person can act on", () => {
  it("names the nodes when a replica name is unknown", async () => {
    const result = await clusterCli(cluster.root, ["pause", "replica9"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Unknown node 'replica9'. This cluster has: primary (primary), replica1 (replica), replica2 (replica).",
    );
  });

  it("refuses to pause the primary or promote without a name", async () => {
    expect((await clusterCli(cluster.root, ["pause", "primary"])).stderr).toMatch(
      /replay can only be paused on a replica/,
    );
    const noName = await clusterCli(cluster.root, ["promote"]);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toMatch(/Usage: npm run db:promote -- <node name>/);
  });

  it("explains a taken port and creates nothing", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const root = path.join(path.dirname(cluster.root), "second");
    try {
      const result = await clusterCli(root, ["up", "--port", String(port), "--replicas", "1"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} (for primary) is already in use by another process`);
      expect(result.stderr).toContain("npm run db:up -- --port");
      expect(existsSync(path.join(root, "cluster.json"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("says how to create a cluster when there is none", async () => {
    const result = await clusterCli(path.join(path.dirname(cluster.root), "none"), ["status"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No embedded cluster under .*\n.*npm run db:up/);
  });

  it("rejects ports a non-root server cannot bind or that do not exist", async () => {
    const root = path.join(path.dirname(cluster.root), "ports");
    const privileged = await clusterCli(root, ["up", "--port", "80"]);
    expect(privileged.code).toBe(1);
    expect(privileged.stderr).toMatch(/--port \/ TANDEM_DB_PORT must be a whole number from 1024 to 65535, got '80'/);
    const tooHigh = await clusterCli(root, ["up", "--port", "65534", "--replicas", "2"]);
    expect(tooHigh.code).toBe(1);
    expect(tooHigh.stderr).toMatch(/need ports 65534–65536, all between 1024 and 65535/);
    expect(existsSync(path.join(root, "cluster.json"))).toBe(false);
  });

  it("explains a data root that is a file, and a state file that is not JSON", async () => {
    const file = path.join(path.dirname(cluster.root), "a-file");
    writeFileSync(file, "");
    const notDir = await clusterCli(file, ["up"]);
    expect(notDir.stderr).toMatch(/is not a directory\.\n.*Fix: point TANDEM_DATA_DIR at a directory/);
    const broken = path.join(path.dirname(cluster.root), "broken");
    mkdirSync(broken);
    writeFileSync(path.join(broken, "cluster.json"), "{ not json");
    const corrupt = await clusterCli(broken, ["status"]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/The cluster state file .*broken\/cluster\.json is not valid JSON/);
  });

  it("names an unknown option and the command, then shows the usage (exit 2)", async () => {
    const result = await clusterCli(cluster.root, ["up", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Unknown option '--bogus' for db:up\.\n\nUsage \(npm scripts\):/);
    expect(result.stderr).not.toContain("positional argument");
  });

  it("rejects a non-numeric replica count", async () => {
    const result = await clusterCli(cluster.root, ["up", "--replicas", "two"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--replicas must be a whole number/);
  });
});

function stopServer(dataDir: string): void {
  const pid = postmasterOf(dataDir);
  process.kill(pid, "SIGINT"); // fast shutdown
  waitSync(() => !alive(pid));
}

/** A child may exit on its own once its postmaster is gone. */
function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function waitSync(condition: () => boolean, timeoutMs = 30_000): void {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}
