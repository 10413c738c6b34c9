import { describe, expect, it } from "vitest";
import { ownSettings, pgHba, primaryConninfo } from "~/cluster/config-files";
import { inNetns, whereItListens } from "~/cluster/node-network";
import type { ClusterState, NodeState } from "~/replication/state";
import { nodeUrl } from "~/replication/urls";

const state = {
  host: "127.0.0.1",
  database: "tandem",
  app: { user: "tandem", password: "secret" },
  replicator: { user: "replicator", password: "r" },
  tls: { rootCert: "/data/tls/ca.crt" },
} as ClusterState;
const onLoopback: NodeState = { name: "primary", role: "primary", port: 54320, dataDir: "/data/primary" };
const inNamespace: NodeState = { ...onLoopback, host: "10.213.7.10", netns: "tnd-42-primary" };
const runAs = { name: "postgres", uid: 105, gid: 109, switchUser: true };

describe("nodes on addresses of their own", () => {
  it("are dialled at their address (URLs, primary_conninfo); others at the cluster's host", () => {
    expect(nodeUrl(state, inNamespace)).toMatch(
      /^postgresql:\/\/tandem:secret@10\.213\.7\.10:54320\/tandem\?sslmode=verify-full&/,
    );
    expect(nodeUrl(state, onLoopback)).toMatch(/@127\.0\.0\.1:54320\//);
    expect(primaryConninfo(state, inNamespace, "replica1", "/data/replication.pgpass")).toMatch(
      /^host=10\.213\.7\.10 port=54320 user=replicator /,
    );
  });

  it("listen on their address only, and nothing else changes for a node on 127.0.0.1", () => {
    expect(ownSettings(inNamespace)).toEqual({ port: 54320, listen_addresses: "10.213.7.10" });
    expect(ownSettings(onLoopback)).toEqual({ port: 54320 });
  });

  it("let clients in from the cluster's networks only, TLS only, the superuser never over TCP", () => {
    const hba = pgHba("/data/run", ["10.213.7.0/24"]);
    expect(hba).not.toContain("127.0.0.1");
    expect(hba).toMatch(/^host +all +postgres +10\.213\.7\.0\/24 +reject$/m);
    expect(hba).toMatch(/^hostssl +all +all +10\.213\.7\.0\/24 +scram-sha-256$/m);
    expect(hba.indexOf("postgres    10.213.7.0/24")).toBeLessThan(hba.indexOf("hostssl all"));
    expect(pgHba("/data/run")).toMatch(/^hostssl +all +all +127\.0\.0\.1\/32 +scram-sha-256$/m);
  });

  it("start their server inside the namespace, entered as root and then dropped to the server's user", () => {
    expect(inNetns("tnd-42-primary", runAs, "/pg/bin/pg_ctl", ["start"])).toEqual({
      file: "nsenter",
      args: ["--net=/run/netns/tnd-42-primary", "--setuid", "105", "--setgid", "109", "--", "/pg/bin/pg_ctl", "start"],
      runAs: { ...runAs, switchUser: false },
    });
    expect(whereItListens(inNamespace)).toBe("10.213.7.10:54320 (netns tnd-42-primary)");
    expect(whereItListens(onLoopback)).toBe("port 54320");
  });
});
