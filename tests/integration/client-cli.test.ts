/**
 * `npm run client`, the user API from a terminal, run as a person runs it (a child process) against the
 * app's real handlers over HTTP on a throwaway cluster. The point it exists for: each command is a new
 * process, yet `create` then `get` reads the new user back from a replica (the consistency token is
 * carried between invocations).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "~/cluster/ports";
import { setReplayPaused } from "~/cluster/replay";
import { type ApiHarness, startApiHarness } from "../support/api-harness";
import { PROJECT_ROOT, run } from "../support/run";

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

const client = (args: string[], url = h.url) =>
  run(path.join(PROJECT_ROOT, "node_modules/.bin/tsx"), ["src/scripts/client.ts", "--url", url, ...args]);

function idOf(output: string): string {
  const id = /^created #(\d+) /m.exec(output)?.[1];
  if (!id) throw new Error(`no user id in:\n${output}`);
  return id;
}

describe("npm run client", () => {
  it("creates, reads its own write from a replica in the next process, lists, updates and deletes", async () => {
    const email = `cli.${Date.now()}@example.com`;
    let id: string;
    // replica1 frozen: a read that ignored the token could land there and miss the new user.
    await setReplayPaused("replica1", true, { root: h.cluster.root });
    try {
      const created = await client(["create", "--name", "Terminal Tess", "--email", email]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/^created #\d+ {2}Terminal Tess </m);
      expect(created.stdout).toMatch(
        /^written on primary \(127\.0\.0\.1:\d+\); consistency token \d+:[0-9A-F]+\/[0-9A-F]+ kept/m,
      );
      id = idOf(created.stdout);

      const got = await client(["get", id]);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain(`#${id}  Terminal Tess <${email}>`);
      expect(got.stdout).toMatch(/^served by (replica2 \(.*, replica\): read-your-writes|primary \(.*\): fallback)/m);
    } finally {
      await setReplayPaused("replica1", false, { root: h.cluster.root });
    }

    const listed = await client(["list", "--search", email]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.match(/^#\d+ .*$/gm)).toEqual([expect.stringContaining(`#${id}  Terminal Tess <${email}>`)]);

    const updated = await client(["update", id, "--name", "Tess Renamed"]);
    expect(updated.code, updated.stderr).toBe(0);
    expect((await client(["get", id])).stdout).toContain(`#${id}  Tess Renamed <${email}>`);

    const deleted = await client(["delete", id]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await client(["get", id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^NOT_FOUND: /m);
  });

  it("says what is wrong with bad input, with the usage, and exit code 2", async () => {
    for (const [args, message] of [
      [["get", "-1"], 'ids are positive whole numbers, got "-1"'],
      [["get", "abc"], 'the id must be a whole number, got "abc"'],
      [["create", "--name", "No Email"], "create needs --name and --email"],
      [["fly"], "Unknown command: fly"],
      [["--url", "not-a-url", "list"], `--url must be the app's address, like http://127.0.0.1:3000, got "not-a-url"`],
    ] as const) {
      const result = await client([...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("Usage: npm run client -- <command> [options]");
    }
  });

  it("passes the server's sentences through: an invalid email, a duplicate email", async () => {
    const invalid = await client(["create", "--name", "Bad", "--email", "not-an-email"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^BAD_REQUEST: .*email/im);

    const email = `dup.${Date.now()}@example.com`;
    expect((await client(["create", "--name", "First", "--email", email])).code).toBe(0);
    const duplicate = await client(["create", "--name", "Second", "--email", email.toUpperCase()]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^CONFLICT: /m);
  });

  it("says how to start the app when nothing answers at the URL", async () => {
    const [port] = await freePorts(1);
    const result = await client(["list"], `http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach the Tandem server at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain("Start it with npm run dev");
  });
});
