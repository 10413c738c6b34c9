import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ClusterState, writeState } from "~/replication/state";
import { embeddedSource, nodesOfState } from "~/server/db/topology/embedded";

function state(nodes: ClusterState["nodes"]): ClusterState {
  const credentials = { user: "u", password: "p" };
  return {
    version: 1,
    host: "127.0.0.1",
    database: "tandem",
    basePort: 5000,
    targetReplicas: 2,
    superuser: credentials,
    app: credentials,
    replicator: credentials,
    nodes,
  };
}
const node = (name: string, role: "primary" | "replica" | "fenced", port: number) => ({
  name,
  role,
  port,
  dataDir: `/d/${name}`,
});

describe("nodesOfState", () => {
  it("the primary first, then replicas; a fenced former primary is no node", () => {
    const nodes = nodesOfState(
      state([node("primary", "fenced", 5000), node("replica1", "primary", 5001), node("replica2", "replica", 5002)]),
    );
    expect(nodes.map((n) => [n.name, n.role, new URL(n.url).port])).toEqual([
      ["replica1", "primary", "5001"],
      ["replica2", "replica", "5002"],
    ]);
  });
});

describe("embeddedSource", () => {
  let root: string | undefined;
  afterEach(() => rmSync(root as string, { recursive: true, force: true }));

  it("follows the state file: a replica added by db:up appears, without re-reading an unchanged file", async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "tandem-embedded-source-"));
    writeState(root, state([node("primary", "primary", 5000), node("replica1", "replica", 5001)]));
    const source = embeddedSource(root);
    const signal = new AbortController().signal;
    const first = await source.discover(signal);
    expect(first.map((n) => n.name)).toEqual(["primary", "replica1"]);
    expect(await source.discover(signal)).toBe(first); // same file: the same answer, not parsed again
    writeState(
      root,
      state([node("primary", "primary", 5000), node("replica1", "replica", 5001), node("replica2", "replica", 5002)]),
    );
    expect((await source.discover(signal)).map((n) => n.name)).toEqual(["primary", "replica1", "replica2"]);
  });

  it("fails when the file is gone, so the nodes in use are kept", async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "tandem-embedded-source-"));
    await expect(embeddedSource(root).discover(new AbortController().signal)).rejects.toThrow(/no cluster state file/);
  });
});
