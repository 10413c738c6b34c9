/**
 * One Patroni member's configuration, as data; written as YAML (the `yaml` package) beside the member.
 * What matters for this profile, and why:
 *   - bin_dir: the embedded PostgreSQL 16 binaries plus the stand-ins (./bin-dir.ts);
 *   - create_replica_methods: the low-level base backup (./create-replica-command.ts), as the embedded
 *     package has no pg_basebackup;
 *   - use_pg_rewind: false (no pg_rewind either: a diverged former leader is re-cloned instead);
 *   - primary_start_timeout: 0, so a leader whose postmaster crashed fails over at once instead of
 *     being restarted in place first;
 *   - the settings, pg_hba.conf and roles of the embedded cluster (src/cluster): tandem.conf as
 *     custom_conf, TLS with a certificate per member, the superuser only through the private socket.
 */
import path from "node:path";
import { stringify } from "yaml";
import { pgHba } from "~/cluster/config-files";
import { VERIFY_FULL } from "~/replication/tls-settings";
import { commandPath } from "./bin-dir";
import { type HaMember, type HaProfile, profilePath } from "./profile-state";

export const REPLICA_METHOD = "tandem_base_backup";

export function customConfPath(profile: HaProfile): string {
  return path.join(profile.nodesDir, "tandem.conf");
}

export function memberFiles(member: HaMember) {
  return {
    config: path.join(member.dir, "patroni.yml"),
    log: path.join(member.dir, "patroni.log"),
    pid: path.join(member.dir, "patroni.pid"),
    pgpass: path.join(member.dir, "pgpass"),
    cert: path.join(member.dir, "server.crt"),
    key: path.join(member.dir, "server.key"),
  };
}

/** pg_hba.conf as the embedded cluster writes it, as the list of lines Patroni takes. */
export function hbaLines(socketDir: string): string[] {
  return pgHba(socketDir)
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
}

export function patroniConfig(profile: HaProfile, member: HaMember): Record<string, unknown> {
  const files = memberFiles(member);
  const address = (port: number) => `${profile.host}:${port}`;
  return {
    scope: profile.scope,
    name: member.name,
    log: { level: "INFO" },
    restapi: { listen: address(member.apiPort), connect_address: address(member.apiPort) },
    etcd3: { hosts: [address(profile.etcd.clientPort)], protocol: "http" },
    bootstrap: {
      dcs: {
        ...profile.timings,
        maximum_lag_on_failover: 16 * 1024 * 1024,
        primary_start_timeout: 0,
        postgresql: { use_pg_rewind: false, use_slots: true },
      },
      initdb: [{ encoding: "UTF8" }, "no-locale", { auth: "scram-sha-256" }],
    },
    postgresql: {
      listen: address(member.pgPort),
      connect_address: address(member.pgPort),
      data_dir: member.dataDir,
      bin_dir: profile.binDir,
      pgpass: files.pgpass,
      use_unix_socket: true,
      custom_conf: customConfPath(profile),
      pg_hba: hbaLines(profile.socketDir),
      authentication: {
        superuser: { username: profile.superuser.user, password: profile.superuser.password },
        replication: {
          username: profile.replicator.user,
          password: profile.replicator.password,
          sslmode: VERIFY_FULL,
          sslrootcert: profile.tls.rootCert,
        },
      },
      parameters: {
        unix_socket_directories: profile.socketDir,
        unix_socket_permissions: "0700",
        ssl: "on",
        ssl_cert_file: files.cert,
        ssl_key_file: files.key,
      },
      create_replica_methods: [REPLICA_METHOD],
      [REPLICA_METHOD]: {
        command: commandPath(profile.binDir, "tandem-create-replica"),
        profile: profilePath(profile.root),
      },
    },
    watchdog: { mode: "off" },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}

export function patroniYaml(profile: HaProfile, member: HaMember): string {
  return `# Written by Tandem's HA profile (src/ha/patroni-config.ts).\n${stringify(patroniConfig(profile, member))}`;
}
