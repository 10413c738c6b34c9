/**
 * The cluster manager as a normal (non-root) user: the servers then run as that user, in a data root of
 * theirs, and a cluster created by someone else is refused with a message that says what to do.
 * When the suite itself runs as a normal user every other test already proves the first part, so this
 * file runs only as root, switching to `nobody` with runuser.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot } from "~/cluster/os-user";
import { freePorts } from "~/cluster/ports";
import { queryOne } from "~/cluster/sql";
import { readState } from "~/replication/state";
import { clusterUrls } from "~/replication/urls";
import { PROJECT_ROOT, type RunResult, run } from "../support/run";

const USER = "nobody";
let dir: string;

/** The cluster CLI as `nobody`, with its own data root. */
function asNobody(root: string, args: string[]): Promise<RunResult> {
  return run(
    "runuser",
    ["-u", USER, "--", path.join(PROJECT_ROOT, "node_modules/.bin/tsx"), "src/cluster/cli.ts", ...args],
    {
      TANDEM_DATA_DIR: root,
      DATABASE_URL: "",
      HOME: dir,
    },
  );
}

describe.runIf(isRoot())("as a normal user", () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tandem-nobody-"));
    chmodSync(dir, 0o777);
  });

  afterAll(async () => {
    await asNobody(path.join(dir, "data"), ["clean"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, verifies and stops a cluster whose servers run as that user", async () => {
    const root = path.join(dir, "data");
    const [port] = await freePorts(1);
    const created = await asNobody(root, ["up", "--replicas", "1", "--port", String(port)]);
    expect(created.code, created.stderr).toBe(0);

    const state = readState(root)!;
    const owners = state.nodes.map((n) => execFileSync("stat", ["-c", "%U", n.dataDir], { encoding: "utf8" }).trim());
    expect(owners).toEqual([USER, USER]);
    const postmasters = execFileSync("ps", ["-o", "user=,args=", "-C", "postgres"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(`-D ${root}/`));
    expect(postmasters).toHaveLength(2);
    expect(postmasters.every((line) => line.startsWith(USER))).toBe(true);
    expect((await queryOne<{ n: number }>(clusterUrls(state).primary, "SELECT 1 AS n")).n).toBe(1);

    const verified = await asNobody(root, ["verify"]);
    expect(verified.code, verified.stdout).toBe(0);
  });

  it("refuses, with the fix, a data root it cannot write", async () => {
    const rootsOwn = mkdtempSync(path.join(os.tmpdir(), "tandem-root-only-")); // 0700, owned by root
    const result = await asNobody(path.join(rootsOwn, "data"), ["up"]).finally(() =>
      rmSync(rootsOwn, { recursive: true }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Permission denied: mkdir .*\/data\n[\s\S]*Fix: .*TANDEM_DATA_DIR=/);
  });
});
