/**
 * The lossy failover, with real faults: replica1 is down while W is written (replica2 and replica3
 * replay it), the primary goes down too, and `db:promote -- replica1` makes replica1 the primary on
 * timeline 2 without W. Replicas that replayed W are past the fork point and can never follow: the
 * cluster manager says so and rebuilds them from the new primary, keeping their old data aside until
 * the new copy streams, and a rebuild that fails half-way is finished by the next `db:up`.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateBinaries } from "~/cluster/binaries";
import { adminUrl } from "~/cluster/context";
import { resolveRunAs } from "~/cluster/os-user";
import { queryOne, withClient } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { parseLsn } from "~/replication/lsn";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { clusterCli } from "../support/run";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 3 });
  await queryOne(urlOf("primary"), "CREATE TABLE users (id serial PRIMARY KEY, name text)");
  await queryOne(urlOf("primary"), "INSERT INTO users (name) VALUES ('before')");
  for (const name of ["replica1", "replica2", "replica3"])
    await waitFor("the first row on every replica", () => hasUser(urlOf(name), "before"));
});

afterAll(async () => {
  await cluster?.stop();
});

const nodeOf = (name: string) => cluster.state().nodes.find((n) => n.name === name)!;
/** The superuser on that node, in the app's database: these tests read and write as the cluster manager does. */
const urlOf = (name: string) => adminUrl(cluster.state(), nodeOf(name), cluster.state().database);

async function hasUser(url: string, name: string): Promise<true | undefined> {
  return (await queryOne(url, "SELECT 1 AS ok FROM users WHERE name = $1", [name])) ? true : undefined;
}

async function names(url: string): Promise<string[]> {
  return withClient(url, async (c) =>
    (await c.query<{ name: string }>("SELECT name FROM users ORDER BY id")).rows.map((r) => r.name),
  );
}

async function statusJson() {
  const result = await clusterCli(cluster.root, ["status", "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

async function cli(args: string[]) {
  const result = await clusterCli(cluster.root, args);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** The aside directory a rebuild announced ("kept at <dir> until …" / "kept at <dir>;"). */
function asideDirIn(output: string, name: string): string {
  const match = new RegExp(`${name}: REBUILDING it from replica1; its old data directory is kept at (\\S+) until`).exec(
    output,
  );
  expect(match, output).not.toBeNull();
  return match![1];
}

describe("a failover that loses a write", () => {
  it("promote replica1 after W reached only replica2 and replica3: replica2 is reported diverged and rebuilt, and streams without W", async () => {
    await cli(["down", "replica1"]);
    await queryOne(urlOf("primary"), "INSERT INTO users (name) VALUES ('W')");
    for (const name of ["replica2", "replica3"]) await waitFor(`W on ${name}`, () => hasUser(urlOf(name), "W"));
    await cli(["down", "replica3"]);
    await cli(["down", "primary"]);

    const promoted = await cli(["promote", "replica1"]);
    expect(promoted.stderr).toMatch(
      /replica2: diverged: replayed timeline 1 up to \S+, past \S+ where the primary's timeline 2 forked off it, so it can never follow/,
    );
    const aside = asideDirIn(promoted.stderr, "replica2");
    expect(path.dirname(aside)).toBe(path.dirname(nodeOf("replica2").dataDir));
    expect(promoted.stderr).toContain(
      `replica2: rebuilt; streaming from replica1; removed its old data directory ${aside}`,
    );
    expect(promoted.stderr).toMatch(/replica1 is the primary; 2 replica\(s\) follow it \(replica2 rebuilt\)/);
    expect(existsSync(aside)).toBe(false);
    expect(nodeOf("replica2").rebuild).toBeUndefined();

    // W was never on replica1: lost with the old primary, and gone from replica2 with its old data.
    expect(await names(urlOf("replica1"))).toEqual(["before"]);
    expect(await names(urlOf("replica2"))).toEqual(["before"]);

    const status = await statusJson();
    expect(status.primary).toMatchObject({ name: "replica1", timeline: 2 });
    expect(status.timelineHistory).toEqual({
      timeline: 2,
      forks: [{ timeline: 1, forkLsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/) }],
    });
    expect(
      status.replicas.map((r: { name: string; running: boolean; state: string | null; diverged: boolean | null }) => [
        r.name,
        r.running,
        r.state,
        r.diverged,
      ]),
    ).toEqual([
      ["replica2", true, "streaming", false],
      ["replica3", false, null, null],
    ]);
    expect(status.replicas[0].divergence).toEqual({ kind: "follows", replicaTimeline: 2, primaryTimeline: 2 });

    // What the new primary writes now reaches the rebuilt replica.
    await queryOne(urlOf("replica1"), "INSERT INTO users (name) VALUES ('after')");
    await waitFor("the write after the failover on replica2", () => hasUser(urlOf("replica2"), "after"));
  });

  it("db:status reports a replica that replayed W and was started outside the cluster manager as diverged, with the positions", async () => {
    const replica3 = nodeOf("replica3");
    const runAs = resolveRunAs();
    execFileSync(
      locateBinaries().pg_ctl,
      ["start", "-w", "-D", replica3.dataDir, "-l", path.join(cluster.root, "logs", "replica3.log")],
      {
        ...(runAs.switchUser ? { uid: runAs.uid, gid: runAs.gid } : {}),
        cwd: "/",
      },
    );
    expect(await hasUser(urlOf("replica3"), "W")).toBe(true); // it still serves the lost write

    const status = await statusJson();
    const replica3Status = status.replicas.find((r: { name: string }) => r.name === "replica3");
    expect(replica3Status).toMatchObject({
      running: true,
      diverged: true,
      divergence: {
        kind: "diverged",
        cause: "past-fork",
        replicaTimeline: 1,
        primaryTimeline: 2,
        forkLsn: status.timelineHistory.forks[0].forkLsn,
      },
    });
    expect(parseLsn(replica3Status.divergence.replayLsn)).toBeGreaterThan(parseLsn(replica3Status.divergence.forkLsn));

    const text = await cli(["status"]);
    expect(text.stdout).toMatch(
      /replica3 DIVERGED: replayed timeline 1 up to \S+, past \S+ where the primary's timeline 2 forked off it/,
    );
    expect(text.stdout).toMatch(/Fix: npm run db:up rebuilds it from the primary/);
  });

  it("a rebuild that fails half-way (the base backup cannot copy a file) keeps the old data aside and the node stopped, and the next db:up finishes it", async () => {
    // A socket file in the new primary's data directory: a file the base backup's copy cannot read.
    const socketPath = path.join(nodeOf("replica1").dataDir, "blocks-the-copy.sock");
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(socketPath, resolve));
    let aside: string;
    try {
      // `db:up -- replica3` (that node alone) finds it diverged too, and starts the rebuild.
      const failed = await clusterCli(cluster.root, ["up", "replica3"]);
      expect(failed.code, failed.stderr).toBe(1);
      aside = asideDirIn(failed.stderr, "replica3");
      expect(failed.stderr).toContain(`replica3: the rebuild failed: ENXIO`);
      expect(failed.stderr).toContain(
        `Its old data directory is kept at ${aside}; \`npm run db:up\` finishes the rebuild once the cause is fixed.`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(existsSync(path.join(aside, "PG_VERSION"))).toBe(true);
    await expect(queryOne(urlOf("replica3"), "SELECT 1")).rejects.toThrow(); // stopped: it no longer serves W
    expect(nodeOf("replica3").rebuild).toEqual({ asideDir: aside });
    const pending = await statusJson();
    expect(pending.replicas.find((r: { name: string }) => r.name === "replica3")).toMatchObject({
      running: false,
      rebuild: { asideDir: aside },
    });
    expect((await cli(["status"])).stdout).toContain(
      `replica3: a rebuild is unfinished (old data at ${aside}). Fix: npm run db:up finishes it`,
    );

    const finished = await cli(["up"]);
    expect(finished.stderr).toMatch(/replica3: not started \(a rebuild is unfinished/);
    expect(finished.stderr).toContain(
      `replica3: finishing its rebuild from replica1 (left unfinished by an earlier run; old data kept at ${aside})`,
    );
    expect(finished.stderr).toContain(
      `replica3: rebuilt; streaming from replica1; removed its old data directory ${aside}`,
    );
    expect(finished.stderr).toMatch(/every replica is streaming \(2\)/);
    expect(existsSync(aside)).toBe(false);
    expect(nodeOf("replica3").rebuild).toBeUndefined();
    expect(await names(urlOf("replica3"))).toEqual(["before", "after"]);

    const status = await statusJson();
    expect(
      status.replicas.map((r: { name: string; state: string; timeline: number; diverged: boolean }) => [
        r.name,
        r.state,
        r.timeline,
        r.diverged,
      ]),
    ).toEqual([
      ["replica2", "streaming", 2, false],
      ["replica3", "streaming", 2, false],
    ]);
  });

  it("passes db:verify on the repaired cluster", async () => {
    const result = await clusterCli(cluster.root, ["verify"]);
    expect(result.code, result.stdout).toBe(0);
  });

  it("never rebuilds a replica that left recovery (promoted behind the manager's back): db:up says why it cannot follow and leaves it", async () => {
    await queryOne(urlOf("replica3"), "SELECT pg_promote(true, 60)");
    await queryOne(urlOf("replica3"), "INSERT INTO users (name) VALUES ('written on replica3')");
    const result = await clusterCli(cluster.root, ["up"]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /replica3 cannot follow replica1 and is left as it is \(never rebuilt: it may hold writes\):\n\s+replica3: not in recovery/,
    );
    expect(result.stderr).not.toMatch(/REBUILDING/);
    expect(nodeOf("replica3").rebuild).toBeUndefined();
    expect(await names(urlOf("replica3"))).toEqual(["before", "after", "written on replica3"]);
    expect((await cli(["status"])).stdout).toMatch(/^replica3 .* WRITABLE\s*$/m);
  });
});
