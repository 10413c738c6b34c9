import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pgHba } from "~/cluster/config-files";
import { hbaLines, patroniYaml, REPLICA_METHOD } from "~/ha/patroni-config";
import type { HaProfile } from "~/ha/profile-state";
import { SHORT_TIMINGS } from "~/ha/timings";

const member = {
  name: "member1",
  pgPort: 25432,
  apiPort: 28008,
  dir: "/srv/ha/member1",
  dataDir: "/srv/ha/member1/data",
};
const profile: HaProfile = {
  version: 1,
  scope: "tandem",
  host: "127.0.0.1",
  database: "tandem",
  root: "/srv/ha",
  nodesDir: "/srv/ha",
  binDir: "/srv/ha/bin",
  socketDir: "/srv/ha/run",
  etcd: { clientPort: 22379, peerPort: 22380, dataDir: "/srv/ha/etcd/data" },
  members: [member],
  superuser: { user: "postgres", password: "s" },
  app: { user: "tandem", password: "a" },
  owner: { user: "tandem_owner", password: "o" },
  replicator: { user: "replicator", password: "r" },
  tls: { rootCert: "/srv/ha/tls/ca.crt" },
  timings: SHORT_TIMINGS,
};

describe("a Patroni member's configuration", () => {
  const config = parse(patroniYaml(profile, member));

  it("fails a crashed leader over at once, never rewinds, and clones with the low-level base backup", () => {
    expect(config.bootstrap.dcs).toMatchObject({
      ...SHORT_TIMINGS,
      primary_start_timeout: 0,
      postgresql: { use_pg_rewind: false },
    });
    expect(config.postgresql.create_replica_methods).toEqual([REPLICA_METHOD]);
    expect(config.postgresql[REPLICA_METHOD]).toEqual({
      command: "/srv/ha/bin/tandem-create-replica",
      profile: "/srv/ha/ha.json",
    });
    expect(config.postgresql.bin_dir).toBe("/srv/ha/bin");
  });

  it("keeps the embedded cluster's rules: its pg_hba lines, TLS with the member's own pair, verify-full replication", () => {
    expect(config.postgresql.pg_hba).toEqual(hbaLines("/srv/ha/run"));
    expect(config.postgresql.pg_hba.join("\n")).toBe(
      pgHba("/srv/ha/run")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .join("\n"),
    );
    expect(config.postgresql.parameters).toMatchObject({
      ssl: "on",
      ssl_cert_file: "/srv/ha/member1/server.crt",
      ssl_key_file: "/srv/ha/member1/server.key",
      unix_socket_directories: "/srv/ha/run",
    });
    expect(config.postgresql.authentication.replication).toMatchObject({
      username: "replicator",
      sslmode: "verify-full",
      sslrootcert: "/srv/ha/tls/ca.crt",
    });
    expect(config.postgresql.custom_conf).toBe("/srv/ha/tandem.conf");
  });

  it("listens and advertises on loopback ports of its own", () => {
    expect(config.restapi).toEqual({ listen: "127.0.0.1:28008", connect_address: "127.0.0.1:28008" });
    expect(config.postgresql).toMatchObject({ listen: "127.0.0.1:25432", connect_address: "127.0.0.1:25432" });
    expect(config.etcd3.hosts).toEqual(["127.0.0.1:22379"]);
  });
});
