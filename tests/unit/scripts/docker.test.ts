/**
 * docker/ without a Docker engine: the compose file against the files it mounts, the scripts, the
 * Dockerfile and the app's own settings; the shell scripts through `sh -n` and shellcheck; the secrets file
 * `npm run docker:up` writes. What only a Docker engine could show (the containers running) is not here.
 */
import { execFileSync, spawnSync } from "node:child_process";
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
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { describeCertificate } from "~/cluster/certificates";
import { SHARED_SETTINGS } from "~/cluster/config-files";
import { namedNodes } from "~/config/database";
import { parseEnv } from "~/config/parse-env";
import { productionProblems } from "~/config/production-rules";
import { endpointOf } from "~/config/redact-url";
import { TLS_SETTINGS } from "~/replication/tls-settings";
import {
  composeInvocation,
  ensureEnvFile,
  HOST_PORTS,
  hostUrls,
  PLACEHOLDER,
  PRIMARY_VOLUME,
  parseEnvFile,
  SECRET_NAMES,
  type Secrets,
  upRefusal,
  volumeState,
} from "~/scripts/docker";
import { ensureDockerCertificates, POSTGRES_CONTAINERS } from "~/scripts/docker-tls";
import { MIGRATE_ROOTS, packageClosure } from "../../../docker/migrate-deps";

const root = path.resolve(import.meta.dirname, "../../..");
const dockerDir = path.join(root, "docker");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface Service {
  container_name?: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  entrypoint?: string[];
  command?: string[];
  environment: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; start_period?: string };
}

const composeText = read("docker/compose.yml");
// merge: resolve the `<<` keys of x-postgres and x-replica, which YAML 1.2 (yaml's default) does not have.
const compose = parse(composeText, { merge: true }) as {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** The compose file's environment as the app would get it, with ${VAR…} filled in from `secrets`. */
function interpolate(value: string, secrets: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::?[?-][^}]*)?\}/g, (_, name: string) => {
    if (!(name in secrets)) throw new Error(`compose.yml uses \${${name}}, which docker/.env does not provide`);
    return secrets[name];
  });
}

const SAMPLE_SECRETS: Secrets = {
  POSTGRES_PASSWORD: "a".repeat(64),
  REPLICATOR_PASSWORD: "b".repeat(64),
  TANDEM_OWNER_PASSWORD: "e".repeat(64),
  TANDEM_DB_PASSWORD: "c".repeat(64),
  ADMIN_TOKEN: "5be0c8f14a9d27e36c1b0f8a4d92e7c35af06b1d8e47c2a9f3b60d5e18c7a42f", // production refuses low-entropy tokens
};
const appEnv = Object.fromEntries(
  Object.entries(services.app.environment).map(([k, v]) => [k, interpolate(String(v), SAMPLE_SECRETS)]),
);

/** Bind mounts as [source relative to docker/, target]; named volumes are skipped. */
const bindMounts = (service: Service) =>
  (service.volumes ?? []).filter((v) => v.startsWith(".")).map((v) => v.split(":").slice(0, 2) as [string, string]);
const mountTarget = (service: Service, source: string) => bindMounts(service).find(([s]) => s === source)?.[1];

const REPLICAS = [
  { service: "pg-replica", node: "replica1", hostPort: 5433 },
  { service: "pg-replica2", node: "replica2", hostPort: 5434 },
];

describe("docker/compose.yml", () => {
  it("has the old demo's container names: pg-primary, pg-replica, pg-replica2, and the app", () => {
    expect(Object.keys(services).sort()).toEqual(["app", "pg-primary", "pg-replica", "pg-replica2"]);
    for (const name of ["pg-primary", "pg-replica", "pg-replica2"]) {
      expect(services[name].container_name).toBe(name);
      expect(services[name].image).toMatch(/^postgres:16(\.\d+)?-/);
    }
  });

  it("references only files that exist: build context, Dockerfile, bind mounts; no env_file", () => {
    expect(statSync(path.resolve(dockerDir, services.app.build!.context)).isDirectory()).toBe(true);
    expect(existsSync(path.resolve(dockerDir, services.app.build!.context, services.app.build!.dockerfile))).toBe(true);
    const mounts = Object.values(services).flatMap(bindMounts);
    expect(mounts.length).toBeGreaterThanOrEqual(9);
    // docker/tls/ is not in the repository: docker:up writes it (checked below, under "TLS").
    for (const [source] of mounts.filter(([s]) => !s.startsWith("./tls/")))
      expect(existsSync(path.resolve(dockerDir, source)), source).toBe(true);
    for (const service of Object.values(services)) expect(service.env_file).toBeUndefined();
    // Every named volume used is declared, and each node has its own.
    const named = Object.values(services).flatMap((s) =>
      (s.volumes ?? []).filter((v) => !v.startsWith(".")).map((v) => v.split(":")[0]),
    );
    expect(named.sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test's name quotes compose's ${VAR} syntax.
  it("takes every ${VAR} from docker/.env as generated, each failing clearly when missing", () => {
    const used = new Set([...composeText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...SECRET_NAMES].sort());
    for (const name of used)
      expect(composeText, `\${${name}:?…} somewhere`).toMatch(new RegExp(`\\$\\{${name}:\\?[^}]+\\}`));
  });

  it("publishes each node and the app on 127.0.0.1 only, at the ports docker:env prints", () => {
    expect(services["pg-primary"].ports).toEqual([`127.0.0.1:${HOST_PORTS.primary}:5432`]);
    for (const [i, { service }] of REPLICAS.entries())
      expect(services[service].ports).toEqual([`127.0.0.1:${HOST_PORTS.replicas[i]}:5432`]);
    expect(services.app.ports).toEqual([`127.0.0.1:${HOST_PORTS.app}:3000`]);
    const urls = hostUrls(SAMPLE_SECRETS, "/p/docker/tls/ca.crt");
    expect(urls.replicas.map((u) => Number(new URL(u).port))).toEqual(REPLICAS.map((r) => r.hostPort));
    expect(new URL(urls.primary).port).toBe("5432");
  });

  it("points the app's DATABASE_URL and DATABASE_REPLICA_URLS at the primary and the replicas, in node order", () => {
    const primary = new URL(appEnv.DATABASE_URL);
    const replicas = appEnv.DATABASE_REPLICA_URLS.split(",").map((u) => new URL(u));
    expect([primary, ...replicas].map((u) => u.hostname)).toEqual(["pg-primary", ...REPLICAS.map((r) => r.service)]);
    for (const url of [primary, ...replicas]) {
      expect(url.port).toBe("5432"); // the containers' port, not the host's
      expect(url.username).toBe("tandem");
      expect(url.pathname).toBe("/tandem");
      expect(url.password).toBe(SAMPLE_SECRETS.TANDEM_DB_PASSWORD);
      expect(url.searchParams.get("sslmode")).toBe("verify-full");
      expect(url.searchParams.get("sslrootcert")).toBe(mountTarget(services.app, "./tls/ca.crt"));
    }
    // The replica the app calls replicaN streams as replicaN (slot and application_name), so db:status,
    // db:verify and the admin page line the two views up by name.
    const env = parseEnv(appEnv, { embedded: () => undefined });
    expect(namedNodes(env.database).map((n) => [n.name, endpointOf(n.url)])).toEqual([
      ["primary", "pg-primary:5432"],
      ...REPLICAS.map((r) => [r.node, `${r.service}:5432`]),
    ]);
    for (const r of REPLICAS) expect(services[r.service].environment.REPLICA_NAME).toBe(r.node);
  });

  it("runs the app in production mode, which accepts the generated secrets", () => {
    expect(appEnv.NODE_ENV).toBe("production");
    expect(() => parseEnv(appEnv, { embedded: () => undefined })).not.toThrow();
    expect(productionProblems(appEnv)).toEqual([]);
  });

  it("starts replicas and the app after the primary is healthy; replicas stream from it", () => {
    for (const name of ["app", ...REPLICAS.map((r) => r.service)]) {
      expect(services[name].depends_on?.["pg-primary"]).toEqual({ condition: "service_healthy" });
    }
    for (const { service } of REPLICAS) {
      const s = services[service];
      expect(s.environment.PRIMARY_HOST).toBe("pg-primary");
      expect(s.environment.REPLICATOR_PASSWORD).toMatch(/^\$\{REPLICATOR_PASSWORD/);
      // Through sh: the bind-mounted script's exec bit is whatever the checkout left it. TLS first.
      expect(s.entrypoint).toEqual([
        "sh",
        mountTarget(s, "./postgres/tls-entrypoint.sh"),
        "sh",
        mountTarget(s, "./postgres/replica-entrypoint.sh"),
      ]);
      expect(s.command).toEqual(["postgres"]); // an entrypoint in compose drops the image's CMD
      expect(s.healthcheck?.test.join(" ")).toMatch(/pg_is_in_recovery\(\).*pg_stat_wal_receiver.*streaming/);
      // pg_basebackup runs before the server does: its failing checks must not count toward retries.
      expect(parseInt(s.healthcheck?.start_period ?? "0", 10)).toBeGreaterThanOrEqual(300);
    }
    expect(mountTarget(services["pg-primary"], "./postgres/init-primary.sh")).toMatch(
      /^\/docker-entrypoint-initdb\.d\/[\w-]+\.sh$/,
    );
    // TCP: the image's first-run temporary server has no TCP listener, so this is not fooled by it.
    expect(services["pg-primary"].healthcheck?.test).toContain("--host=127.0.0.1");
  });

  it("defines the replicas once (x-replica): they differ only in name, REPLICA_NAME, data volume, certificate and port", () => {
    const isOwnCertificate = (v: string) => v.startsWith("./tls/pg-");
    const own = ({
      container_name,
      ports,
      volumes = [],
      environment: { REPLICA_NAME, ...environment },
      ...rest
    }: Service) => ({
      shared: { ...rest, environment, volumes: volumes.slice(1).filter((v) => !isOwnCertificate(v)) },
      own: { container_name, ports, REPLICA_NAME, data: volumes[0], certificate: volumes.filter(isOwnCertificate) },
    });
    const [first, second] = REPLICAS.map((r) => own(services[r.service]));
    expect(first.shared).toEqual(second.shared);
    expect(first.shared.entrypoint).toBeDefined(); // merged in from x-replica
    expect(first.own.data).not.toBe(second.own.data);
    expect(first.own.certificate).toHaveLength(2); // its .crt and .key
  });

  it("mounts the shared configuration where init-primary.sh includes it and tandem.conf finds pg_hba.conf", () => {
    const includePath = /include = '([^']+)'/.exec(read("docker/postgres/init-primary.sh"))?.[1];
    const hbaPath = /^hba_file = '([^']+)'/m.exec(read("docker/postgres/tandem.conf"))?.[1];
    for (const name of ["pg-primary", ...REPLICAS.map((r) => r.service)]) {
      expect(mountTarget(services[name], "./postgres/tandem.conf")).toBe(includePath);
      expect(mountTarget(services[name], "./postgres/pg_hba.conf")).toBe(hbaPath);
    }
  });

  it("checks the app's readiness at a route that exists", () => {
    const url = /fetch\('([^']+)'\)/.exec(services.app.healthcheck!.test.join(" "))?.[1];
    expect(url).toBeDefined();
    expect(existsSync(path.join(root, "src/app", new URL(url!).pathname, "route.ts"))).toBe(true);
  });
});

/** `key = value` lines of a postgresql.conf, comments and quotes dropped. */
function settings(text: string): Map<string, string> {
  const lines = text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
  return new Map(
    lines.map((l) => l.split(/\s*=\s*/) as [string, string]).map(([k, v]) => [k, v.replace(/^'|'$/g, "")]),
  );
}

describe("docker/postgres configuration", () => {
  it("uses the embedded cluster's replication settings and scram", () => {
    const embedded = settings(SHARED_SETTINGS);
    const docker = settings(read("docker/postgres/tandem.conf"));
    const replicationKeys = settings(
      SHARED_SETTINGS.slice(SHARED_SETTINGS.indexOf("# Streaming replication"), SHARED_SETTINGS.indexOf("# Logging")),
    );
    expect(replicationKeys.size).toBeGreaterThanOrEqual(10);
    for (const key of [...replicationKeys.keys(), "password_encryption"])
      expect([key, docker.get(key)]).toEqual([key, embedded.get(key)]);
  });

  it("pg_hba.conf: replication for the replicator only, scram over the network, no superuser over TCP", () => {
    const rules = read("docker/postgres/pg_hba.conf")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean)
      .map((l) => l.split(/\s+/));
    const host = rules.filter((r) => r[0].startsWith("host"));
    expect(host.filter((r) => r[1] === "replication")).toEqual([
      ["hostssl", "replication", "replicator", "all", "scram-sha-256"],
    ]);
    expect(host.every((r) => ["scram-sha-256", "reject"].includes(r.at(-1)!))).toBe(true);
    // TLS only: every line that lets anyone in over the network is hostssl (a plain connection matches none).
    expect(host.filter((r) => r.at(-1) !== "reject").every((r) => r[0] === "hostssl")).toBe(true);
    // The superuser's reject comes before the catch-all that would let it in (first match wins).
    const rejectAt = host.findIndex((r) => r[2] === "postgres" && r.at(-1) === "reject");
    const catchAllAt = host.findIndex((r) => r[1] === "all" && r[2] === "all");
    expect(rejectAt).toBeGreaterThanOrEqual(0);
    expect(rejectAt).toBeLessThan(catchAllAt);
    expect(rules.filter((r) => r.at(-1) === "trust").every((r) => r[0] === "local")).toBe(true);
  });

  it("the replica builds from its own fresh slot, named after the node, and streams from it", () => {
    const script = read("docker/postgres/replica-entrypoint.sh");
    expect(script).toContain('--slot="$REPLICA_NAME" --create-slot');
    expect(script).toContain("DROP_REPLICATION_SLOT $REPLICA_NAME");
    expect(script).toContain("application_name=$REPLICA_NAME");
    expect(script).toContain("primary_slot_name = '$REPLICA_NAME'");
    expect(script).not.toMatch(/\bpassword=/); // the password stays in the passfile
    expect(script.trimEnd().split("\n").at(-1)).toBe('exec docker-entrypoint.sh "$@"');
  });
});

describe("docker TLS", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-docker-tls-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tlsEntrypoint = read("docker/postgres/tls-entrypoint.sh");
  const entrypointPath = (name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(tlsEntrypoint)?.[1];

  it("docker:up's certificates are every ./tls/ file compose mounts; a second run writes nothing; a lost key is reissued", async () => {
    const written = await ensureDockerCertificates(dir);
    const mounted = new Set(
      Object.values(services)
        .flatMap(bindMounts)
        .map(([source]) => source)
        .filter((s) => s.startsWith("./tls/")),
    );
    expect(mounted.size).toBe(7); // the CA and three pairs
    for (const source of mounted) expect(existsSync(path.join(dir, source)), source).toBe(true);
    expect(
      written.filter((f) => f.endsWith(".key")).map((f) => statSync(path.join(dir, "tls", f)).mode & 0o777),
    ).toEqual([0o600, 0o600, 0o600, 0o600]);
    expect(await ensureDockerCertificates(dir)).toEqual([]);
    rmSync(path.join(dir, "tls", "pg-replica.key"));
    expect(await ensureDockerCertificates(dir)).toEqual(["pg-replica.key", "pg-replica.crt"]);
  });

  it("each PostgreSQL container mounts its own certificate, named for the container, and installs it before anything else runs", () => {
    for (const container of POSTGRES_CONTAINERS) {
      const service = services[container];
      expect(service.entrypoint?.slice(0, 2)).toEqual(["sh", mountTarget(service, "./postgres/tls-entrypoint.sh")]);
      const crt = mountTarget(service, `./tls/${container}.crt`);
      const key = mountTarget(service, `./tls/${container}.key`);
      expect([crt, key, mountTarget(service, "./tls/ca.crt")]).toEqual([
        `${entrypointPath("src")}/server.crt`,
        `${entrypointPath("src")}/server.key`,
        `${entrypointPath("src")}/ca.crt`,
      ]);
      expect(describeCertificate(readFileSync(path.join(dir, "tls", `${container}.crt`), "utf8")).names).toEqual([
        `DNS:${container}`,
        "DNS:localhost",
        "IP:127.0.0.1",
      ]);
    }
    expect(services["pg-primary"].entrypoint?.slice(2)).toEqual(["docker-entrypoint.sh"]);
    expect(services["pg-primary"].command).toEqual(["postgres"]);
  });

  it("tandem.conf has the embedded cluster's TLS settings, with the paths tls-entrypoint.sh installs to", () => {
    const docker = settings(read("docker/postgres/tandem.conf"));
    const embedded = settings(TLS_SETTINGS);
    for (const key of ["ssl", "ssl_min_protocol_version"])
      expect([key, docker.get(key)]).toEqual([key, embedded.get(key)]);
    expect(docker.get("ssl_cert_file")).toBe(`${entrypointPath("dest")}/server.crt`);
    expect(docker.get("ssl_key_file")).toBe(`${entrypointPath("dest")}/server.key`);
  });

  it("tls-entrypoint.sh installs the pair for postgres (key 0600), then runs the rest; without the files it stops and says why", () => {
    const sandbox = path.join(dir, "entrypoint");
    const [src, dest, bin] = ["src", "dest", "bin"].map((d) => path.join(sandbox, d));
    for (const d of [src, bin]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(bin, "chown"), `#!/bin/sh\necho "chown $*" >>"${path.join(sandbox, "chown.log")}"\n`, {
      mode: 0o755,
    });
    const script = path.join(sandbox, "tls-entrypoint.sh");
    writeFileSync(
      script,
      tlsEntrypoint
        .replace(`src=${entrypointPath("src")}`, `src=${src}`)
        .replace(`dest=${entrypointPath("dest")}`, `dest=${dest}`),
    );
    const runIt = () =>
      spawnSync("sh", [script, "echo", "handed over"], {
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}` } as unknown as NodeJS.ProcessEnv,
      });

    const missing = runIt();
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`${src}/server.crt is missing; run npm run docker:up, which writes docker/tls/`);
    expect(missing.stdout).toBe("");

    for (const [name, mode] of [
      ["server.crt", 0o644],
      ["server.key", 0o600],
      ["ca.crt", 0o644],
    ] as const)
      writeFileSync(path.join(src, name), `${name} content\n`, { mode });
    const ok = runIt();
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe("handed over\n");
    expect(readFileSync(path.join(dest, "server.key"), "utf8")).toBe("server.key content\n");
    expect(statSync(path.join(dest, "server.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dest, "server.crt"), "utf8")).toBe("server.crt content\n");
    expect(readFileSync(path.join(sandbox, "chown.log"), "utf8")).toBe(`chown -R postgres:postgres ${dest}\n`);
  });

  it("replicas stream with verify-full against the mounted CA", () => {
    const conninfo = /^conninfo="([^"]+)"$/m.exec(read("docker/postgres/replica-entrypoint.sh"))?.[1] ?? "";
    expect(conninfo).toContain("host=$PRIMARY_HOST");
    expect(conninfo).toContain("sslmode=verify-full");
    for (const { service } of REPLICAS)
      expect(conninfo).toContain(`sslrootcert=${mountTarget(services[service], "./tls/ca.crt")}`);
  });
});

/** Dockerfile instructions, continuation lines joined, comments dropped. */
const dockerfile = read("docker/Dockerfile")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));
const instructions = (keyword: string) =>
  dockerfile.filter((l) => l.startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1).trim());
const packageScripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
/** Paths the build stage produces rather than copies from the repository. */
const BUILT = [/^\/app\/\.next\//, /^\/migrate\//];

describe("docker/Dockerfile", () => {
  const copies = instructions("COPY").map((args) => {
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length);
    const paths = words.filter((w) => !w.startsWith("--"));
    return { from, sources: paths.slice(0, -1), target: paths.at(-1)! };
  });

  it("runs only npm scripts that exist, and only files that exist", () => {
    const runs = [...instructions("RUN"), read("docker/app-entrypoint.sh")].join("\n");
    const npmRuns = [...runs.matchAll(/npm run (?:--silent |-s )?([\w:-]+)/g)].map((m) => m[1]);
    expect(npmRuns.sort()).toEqual(["build", "generate", "migrate:deploy"]);
    for (const name of npmRuns) expect(packageScripts[name], name).toBeDefined();
    expect(packageScripts["migrate:deploy"]).toBe("prisma migrate deploy");
    const scriptFiles = [...runs.matchAll(/\b((?:docker|src|prisma)\/[\w./-]+\.(?:ts|sh))\b/g)].map((m) => m[1]);
    expect(scriptFiles).toContain("docker/migrate-deps.ts");
    for (const file of scriptFiles) expect(existsSync(path.join(root, file)), file).toBe(true);
  });

  it("copies only what exists: the build context's files and the build stage's repository files", () => {
    expect(copies.length).toBeGreaterThanOrEqual(10);
    for (const { from, sources } of copies) {
      for (const source of sources) {
        if (from === undefined) expect(existsSync(path.join(root, source)), source).toBe(true);
        else if (!BUILT.some((re) => re.test(source)))
          expect(existsSync(path.join(root, source.replace(/^\/app\//, ""))), source).toBe(true);
      }
    }
    // Through sh, and the shim Prisma runs as a program made executable: COPY keeps the checkout's modes.
    const entrypoint = JSON.parse(instructions("ENTRYPOINT")[0]) as string[];
    expect(entrypoint).toHaveLength(2);
    expect(entrypoint[0]).toBe("sh");
    expect(copies.some((c) => c.sources.includes("/app/docker/app-entrypoint.sh") && c.target === entrypoint[1])).toBe(
      true,
    );
    expect(instructions("RUN")).toContain("chmod 0755 src/schema-engine/bin/schema-engine");
    expect(instructions("USER").at(-1)).toBe("node");
    expect(instructions("ENV").join(" ")).toMatch(/NODE_ENV=production.*HOSTNAME=0\.0\.0\.0/);
    expect(instructions("RUN").join("\n")).toContain("TANDEM_STANDALONE=1 npm run build");
  });

  it("ships every source file prisma.config.ts loads, following relative imports", () => {
    const copied = new Set(copies.flatMap((c) => c.sources.map((s) => s.replace(/^\/app\//, ""))));
    const isCopied = (file: string) => [...copied].some((c) => file === c || file.startsWith(`${c}/`));
    const pending = ["prisma.config.ts"];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      expect(isCopied(file), `${file} is loaded by prisma migrate deploy but not copied into the image`).toBe(true);
      for (const [, spec] of read(file).matchAll(/^import [^;]*?from "(\.[^"]+)"/gm)) {
        pending.push(`${path.relative(root, path.resolve(root, path.dirname(file), spec))}.ts`);
      }
    }
    expect([...seen].sort()).toEqual([
      "prisma.config.ts",
      "src/config/database.ts",
      "src/config/env-values.ts",
      "src/replication/state.ts",
      "src/replication/tls-settings.ts",
      "src/replication/urls.ts",
    ]);
    expect(isCopied("src/schema-engine/bin/schema-engine")).toBe(true);
  });

  it("gives migrate every package the schema-engine shim and prisma.config.ts import", () => {
    const dirs = packageClosure(root).map((dir) => path.relative(path.join(root, "node_modules"), dir));
    const sources = [
      "prisma.config.ts",
      ...readdirSync(path.join(root, "src/schema-engine"))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `src/schema-engine/${f}`),
    ];
    const imported = sources.flatMap((file) => [...read(file).matchAll(/from "([^."~][^"]*)"/g)].map((m) => m[1]));
    const packages = new Set(
      imported
        .filter((s) => !s.startsWith("node:"))
        .map((s) =>
          s
            .split("/")
            .slice(0, s.startsWith("@") ? 2 : 1)
            .join("/"),
        ),
    );
    expect(packages.size).toBeGreaterThanOrEqual(4);
    for (const name of [...packages, ...MIGRATE_ROOTS]) expect(dirs, name).toContain(name);
    // The shim starts under tsx's loader (src/schema-engine/bin/schema-engine).
    expect(read("src/schema-engine/bin/schema-engine")).toContain("node_modules/tsx/dist/loader.mjs");
    expect(dirs).toContain("tsx");
    expect(dirs).not.toContain("next"); // the server's packages come with the standalone output
  });

  it(".dockerignore keeps secrets and host builds out of the context, and nothing the image needs", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const entry of ["node_modules", ".next", ".tandem", "docker/.env", ".git"]) expect(ignored).toContain(entry);
    const needed = [
      "package.json",
      "package-lock.json",
      "prisma",
      "prisma.config.ts",
      "src",
      "public",
      "docker/migrate-deps.ts",
      "docker/app-entrypoint.sh",
      "next.config.ts",
      "tsconfig.json",
    ];
    for (const file of needed)
      expect(
        ignored.some((pattern) => file === pattern || file.startsWith(`${pattern}/`)),
        file,
      ).toBe(false);
  });
});

const shellScripts = [
  "docker/postgres/init-primary.sh",
  "docker/postgres/replica-entrypoint.sh",
  "docker/postgres/tls-entrypoint.sh",
  "docker/app-entrypoint.sh",
  "src/schema-engine/bin/schema-engine",
];
const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;

describe("shell scripts", () => {
  it.each(shellScripts)("%s is executable and parses (sh -n)", (file) => {
    expect(statSync(path.join(root, file)).mode & 0o111).not.toBe(0);
    expect(read(file).startsWith("#!/bin/sh\n")).toBe(true);
    const result = spawnSync("sh", ["-n", path.join(root, file)], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("sh -n does fail on a broken script (so the check above means something)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-sh-"));
    writeFileSync(path.join(dir, "broken.sh"), "if true; then\n  echo x\n");
    expect(spawnSync("sh", ["-n", path.join(dir, "broken.sh")]).status).not.toBe(0);
    rmSync(dir, { recursive: true });
  });

  // .ci/run installs shellcheck from Debian, so CI always runs this; elsewhere it needs `apt-get install shellcheck`.
  it.skipIf(!shellcheck)("pass shellcheck (skipped when shellcheck is not installed)", () => {
    const output = spawnSync(
      "shellcheck",
      ["--shell=sh", "--severity=style", ...shellScripts.map((f) => path.join(root, f))],
      { encoding: "utf8" },
    );
    expect(output.stdout).toBe("");
    expect(output.status).toBe(0);
  });
});

describe("docker/.env, as npm run docker:up writes it", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-docker-env-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is created with mode 0600 and a random 256-bit value for every variable compose uses", () => {
    const file = path.join(dir, "fresh.env");
    const { secrets, created } = ensureEnvFile(file);
    expect(created).toEqual([...SECRET_NAMES]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(parseEnvFile(readFileSync(file, "utf8"))).sort()).toEqual([...SECRET_NAMES].sort());
    for (const name of SECRET_NAMES) expect(secrets[name]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(secrets)).size).toBe(SECRET_NAMES.length);
    expect(ensureEnvFile(path.join(dir, "other.env")).secrets.ADMIN_TOKEN).not.toBe(secrets.ADMIN_TOKEN);
  });

  it("passes production's rules, for the app in compose and for tools on the host", () => {
    const { secrets } = ensureEnvFile(path.join(dir, "rules.env"));
    const inCompose = Object.fromEntries(
      Object.entries(services.app.environment).map(([k, v]) => [k, interpolate(String(v), secrets)]),
    );
    expect(productionProblems(inCompose)).toEqual([]);
    const urls = hostUrls(secrets, path.join(dir, "tls", "ca.crt"));
    expect(
      productionProblems({
        DATABASE_URL: urls.primary,
        DATABASE_REPLICA_URLS: urls.replicas.join(","),
        ADMIN_TOKEN: secrets.ADMIN_TOKEN,
      }),
    ).toEqual([]);
    // The same check refuses a well-known password, so the assertions above can fail.
    expect(
      productionProblems({
        ...inCompose,
        DATABASE_URL: inCompose.DATABASE_URL.replace(secrets.TANDEM_DB_PASSWORD, "postgres"),
      }),
    ).toHaveLength(1);
  });

  it("keeps existing values (the volumes hold them), adds missing ones and tightens the mode", () => {
    const file = path.join(dir, "partial.env");
    writeFileSync(file, "# mine\nPOSTGRES_PASSWORD=kept-value-0123456789\n", { mode: 0o644 });
    const { secrets, created } = ensureEnvFile(file);
    expect(created).toEqual(SECRET_NAMES.filter((n) => n !== "POSTGRES_PASSWORD"));
    expect(secrets.POSTGRES_PASSWORD).toBe("kept-value-0123456789");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = ensureEnvFile(file);
    expect(again.created).toEqual([]);
    expect(again.secrets).toEqual(secrets);
  });

  it("docker:env prints URLs for the published ports that db:verify accepts", () => {
    // The script works on ./docker/.env of its working directory: a temp project, never the real one.
    const project = path.join(dir, "project");
    mkdirSync(path.join(project, "docker"), { recursive: true });
    const { secrets } = ensureEnvFile(path.join(project, "docker", ".env"));
    const output = execFileSync(
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "src/scripts/docker.ts"), "env"],
      { cwd: project, encoding: "utf8" },
    );
    const printed = parseEnvFile(output);
    expect(printed.DATABASE_URL).toBe(
      `postgresql://tandem:${secrets.TANDEM_DB_PASSWORD}@127.0.0.1:5432/tandem?sslmode=verify-full&sslrootcert=${project}/docker/tls/ca.crt`,
    );
    expect(printed.DATABASE_REPLICA_URLS.split(",").map((u) => new URL(u).port)).toEqual(["5433", "5434"]);
    expect(printed.TANDEM_APP_URL).toBe("http://127.0.0.1:3000");
  });
});

describe("docker:down, docker:clean and docker:up around docker/.env and the volumes", () => {
  const composeFile = "/p/docker/compose.yml";
  const envFile = "/p/docker/.env";

  it("down and clean run without docker/.env: placeholders let compose interpolate, never overriding the file", () => {
    const without = composeInvocation(composeFile, envFile, undefined, ["down"]);
    expect(without.argv).toEqual(["compose", "-f", composeFile, "down"]); // --env-file would fail on a missing file
    expect(without.env).toEqual(Object.fromEntries(SECRET_NAMES.map((n) => [n, PLACEHOLDER])));
    // Every ${VAR:?…} in compose.yml is then satisfied, so compose gets as far as removing things.
    for (const service of Object.values(services)) {
      for (const value of Object.values(service.environment))
        expect(() => interpolate(String(value), without.env)).not.toThrow();
    }

    const partial = composeInvocation(composeFile, envFile, { POSTGRES_PASSWORD: "kept", ADMIN_TOKEN: "kept" }, [
      "down",
      "--volumes",
    ]);
    expect(partial.argv).toEqual(["compose", "-f", composeFile, "--env-file", envFile, "down", "--volumes"]);
    expect(partial.env).toEqual({
      REPLICATOR_PASSWORD: PLACEHOLDER,
      TANDEM_OWNER_PASSWORD: PLACEHOLDER,
      TANDEM_DB_PASSWORD: PLACEHOLDER,
    });
    expect(composeInvocation(composeFile, envFile, SAMPLE_SECRETS, ["up"]).env).toEqual({});
  });

  it("looks for the primary's volume under the name compose gives it", () => {
    expect(PRIMARY_VOLUME).toBe(`${compose.name}_pg-primary-data`);
    expect(services["pg-primary"].volumes?.[0]).toBe("pg-primary-data:/var/lib/postgresql/data");
  });

  it("reads docker volume inspect: present, absent, or Docker could not be asked", () => {
    expect(volumeState({ status: 0, stderr: "" })).toBe("present");
    expect(
      volumeState({ status: 1, stderr: `Error response from daemon: get ${PRIMARY_VOLUME}: no such volume\n` }),
    ).toBe("absent");
    expect(volumeState({ status: 1, stderr: `Error: No such volume: ${PRIMARY_VOLUME}\n` })).toBe("absent");
    expect(
      volumeState({
        status: 1,
        stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
      }),
    ).toBe("unknown");
    expect(volumeState({ status: null, stderr: "" })).toBe("unknown"); // no docker binary
  });

  it("up writes new secrets only when no volume holds old ones", () => {
    expect(upRefusal([], true, "present")).toBeUndefined(); // a complete docker/.env: the usual restart
    expect(upRefusal([...SECRET_NAMES], false, "absent")).toBeUndefined(); // the first up
    const refusal = upRefusal([...SECRET_NAMES], false, "present");
    expect(refusal).toMatch(
      /there is no docker\/\.env, but the volume tandem_pg-primary-data exists: the volumes hold the old passwords/,
    );
    expect(refusal).toContain("npm run docker:clean");
    expect(upRefusal(["ADMIN_TOKEN"], true, "present")).toMatch(/^\[docker\] docker\/\.env lacks ADMIN_TOKEN, but/);
    expect(upRefusal(["ADMIN_TOKEN"], true, "unknown")).toMatch(
      /could not say whether the volume .* exists.*not writing new secrets/,
    );
  });

  describe("the script, with a stand-in docker on PATH", () => {
    const project = mkdtempSync(path.join(os.tmpdir(), "tandem-docker-cli-"));
    const log = path.join(project, "docker.log");
    afterAll(() => rmSync(project, { recursive: true, force: true }));
    mkdirSync(path.join(project, "docker"));
    mkdirSync(path.join(project, "bin"));
    // Logs its arguments and the POSTGRES_PASSWORD compose would interpolate; STUB_VOLUME says whether the
    // primary's volume exists.
    writeFileSync(
      path.join(project, "bin", "docker"),
      `#!/bin/sh
echo "$* | POSTGRES_PASSWORD=\${POSTGRES_PASSWORD:-}" >>"${log}"
if [ "$1 $2" = "volume inspect" ]; then
  [ "$STUB_VOLUME" = present ] && { echo '[{}]'; exit 0; }
  echo "Error response from daemon: get $3: no such volume" >&2; exit 1
fi
exit 0
`,
      { mode: 0o755 },
    );
    const envPath = path.join(project, "docker", ".env");
    const script = (command: string, volume: "present" | "absent") => {
      writeFileSync(log, "");
      const result = spawnSync(
        path.join(root, "node_modules/.bin/tsx"),
        [path.join(root, "src/scripts/docker.ts"), command],
        {
          cwd: project,
          encoding: "utf8",
          env: {
            ...process.env,
            PATH: `${path.join(project, "bin")}:${process.env.PATH}`,
            STUB_VOLUME: volume,
            POSTGRES_PASSWORD: "",
          },
        },
      );
      return {
        status: result.status,
        stderr: result.stderr,
        calls: readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .filter((l) => !l.startsWith("compose version")),
      };
    };
    const composeFile = path.join(project, "docker", "compose.yml");

    it("clean and down without docker/.env still run compose, with placeholders", () => {
      const clean = script("clean", "present");
      expect(clean.status).toBe(0);
      expect(clean.calls).toEqual([
        `compose -f ${composeFile} down --volumes --remove-orphans | POSTGRES_PASSWORD=${PLACEHOLDER}`,
      ]);
      expect(script("down", "present").calls).toEqual([
        `compose -f ${composeFile} down | POSTGRES_PASSWORD=${PLACEHOLDER}`,
      ]);
    });

    it("up without docker/.env refuses while the primary's volume exists, and writes nothing", () => {
      const up = script("up", "present");
      expect(up.status).toBe(1);
      expect(up.stderr).toContain("the volumes hold the old passwords");
      expect(up.calls).toEqual([`volume inspect ${PRIMARY_VOLUME} | POSTGRES_PASSWORD=`]);
      expect(existsSync(envPath)).toBe(false);
    });

    it("up without docker/.env and without volumes writes it and starts; clean then deletes it", () => {
      const up = script("up", "absent");
      expect(up.status).toBe(0);
      const { POSTGRES_PASSWORD } = parseEnvFile(readFileSync(envPath, "utf8"));
      expect(up.calls).toEqual([
        `volume inspect ${PRIMARY_VOLUME} | POSTGRES_PASSWORD=`,
        `compose -f ${composeFile} --env-file ${envPath} up -d --build --wait | POSTGRES_PASSWORD=`,
      ]);
      // A complete docker/.env: the next up does not look at volumes; clean uses the file, then deletes it.
      expect(script("up", "present").calls).toEqual([
        `compose -f ${composeFile} --env-file ${envPath} up -d --build --wait | POSTGRES_PASSWORD=`,
      ]);
      // The certificates the containers mount were written before compose ran, keys private.
      for (const container of POSTGRES_CONTAINERS) {
        expect(statSync(path.join(project, "docker", "tls", `${container}.key`)).mode & 0o777).toBe(0o600);
        expect(existsSync(path.join(project, "docker", "tls", `${container}.crt`))).toBe(true);
      }
      expect(script("clean", "present").calls).toEqual([
        `compose -f ${composeFile} --env-file ${envPath} down --volumes --remove-orphans | POSTGRES_PASSWORD=`,
      ]);
      expect(existsSync(envPath)).toBe(false);
      expect(existsSync(path.join(project, "docker", "tls"))).toBe(false);
      expect(POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{64}$/);
    });
  });
});
