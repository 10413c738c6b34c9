/**
 * The docker:* npm scripts, around docker/compose.yml:
 *   docker:up     write docker/.env on first use (random passwords and admin token, mode 0600) and the
 *                 cluster's TLS certificates under docker/tls/ (./docker-tls.ts), then
 *                 `docker compose … up -d --build --wait`
 *   docker:down   stop and remove the containers; the data volumes stay
 *   docker:clean  remove the containers and the volumes, then docker/.env and docker/tls/ (the next up starts afresh)
 *   docker:env    DATABASE_URL=… lines for running tools on the host against the containers' published ports
 * The secrets are baked into the volumes at the first start (init-primary.sh), so docker/.env and the
 * volumes live and die together: `down` and `clean` work without the file (a lost file must not keep
 * anyone from deleting the volumes), and `up` refuses to write new secrets while the primary's volume,
 * which holds the old ones, exists.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tlsUrlQuery } from "../replication/tls-settings";
import { caFile, ensureDockerCertificates, tlsDir } from "./docker-tls";

/** Every variable docker/compose.yml takes from the env file; all secrets, all generated. */
export const SECRET_NAMES = [
  "POSTGRES_PASSWORD",
  "REPLICATOR_PASSWORD",
  "TANDEM_OWNER_PASSWORD",
  "TANDEM_DB_PASSWORD",
  "ADMIN_TOKEN",
] as const;
export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

/** Ports compose publishes on 127.0.0.1: the primary, then replica1 and replica2. */
export const HOST_PORTS = { primary: 5432, replicas: [5433, 5434], app: 3000 } as const;

const HEADER = `# Secrets for docker/compose.yml, written by \`npm run docker:up\`. Keep private (mode 0600, git-ignored).
# They are set in the database volumes at first start: \`npm run docker:clean\` deletes both together.
`;

/** 32 random bytes as hex: URL- and passfile-safe, and never one of production's refused defaults. */
const secret = () => randomBytes(32).toString("hex");

export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#") && line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const);
  return Object.fromEntries(entries);
}

/** The variables compose needs that `values` (the env file's) lacks. */
export function missingSecrets(values: Record<string, string>): (typeof SECRET_NAMES)[number][] {
  return SECRET_NAMES.filter((name) => !values[name]);
}

/**
 * Reads the env file, creating it (or adding the variables it lacks) with fresh random values. Existing
 * values are never changed: the volumes already hold them.
 */
export function ensureEnvFile(file: string): { secrets: Secrets; created: string[] } {
  const existing = existsSync(file) ? parseEnvFile(readFileSync(file, "utf8")) : {};
  const created = missingSecrets(existing);
  if (created.length > 0) {
    const values = { ...existing, ...Object.fromEntries(created.map((name) => [name, secret()])) };
    writeFileSync(
      file,
      HEADER +
        Object.entries(values)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(""),
      { mode: 0o600 },
    );
  }
  chmodSync(file, 0o600); // writeFileSync's mode applies only to a new file
  return { secrets: parseEnvFile(readFileSync(file, "utf8")) as Secrets, created };
}

/**
 * URLs for the host: the app role over the published ports (what the app container uses over the network),
 * over TLS verified against the docker cluster's CA, `rootCert` (docker/tls/ca.crt).
 */
export function hostUrls(
  secrets: Pick<Secrets, "TANDEM_DB_PASSWORD">,
  rootCert: string,
): { primary: string; replicas: string[] } {
  const url = (port: number) =>
    `postgresql://tandem:${secrets.TANDEM_DB_PASSWORD}@127.0.0.1:${port}/tandem?${tlsUrlQuery(rootCert)}`;
  return { primary: url(HOST_PORTS.primary), replicas: HOST_PORTS.replicas.map(url) };
}

/**
 * Stands in for a variable docker/.env lacks, for `down` and `clean` only. compose interpolates the whole
 * file before any command, and each `${VAR:?…}` stops it when VAR is unset; removing containers, networks
 * and volumes uses their names, never these values. `up` never gets one: it completes docker/.env first.
 */
export const PLACEHOLDER = "unset-docker-env-placeholder-for-down";

/**
 * The `docker` arguments and the extra environment for a compose command, given the env file's values
 * (undefined when there is no file). A variable the file has is never overridden: compose lets the
 * environment win over --env-file.
 */
export function composeInvocation(
  composeFile: string,
  envFile: string,
  fileValues: Record<string, string> | undefined,
  args: string[],
): { argv: string[]; env: Record<string, string> } {
  const envFileArgs = fileValues === undefined ? [] : ["--env-file", envFile];
  const env = Object.fromEntries(missingSecrets(fileValues ?? {}).map((name) => [name, PLACEHOLDER]));
  return { argv: ["compose", "-f", composeFile, ...envFileArgs, ...args], env };
}

/** The primary's volume, as compose names it: project name (compose.yml's `name:`) + "_" + volume. */
export const PRIMARY_VOLUME = "tandem_pg-primary-data";

/** What `docker volume inspect` said: the volume exists, does not, or Docker could not be asked. */
export function volumeState(result: { status: number | null; stderr: string }): "present" | "absent" | "unknown" {
  if (result.status === 0) return "present";
  return /no such volume/i.test(result.stderr) ? "absent" : "unknown";
}

/**
 * Why `up` must not write `missing` secrets to docker/.env, or undefined when it may. The primary's volume
 * was initialised with the old ones (init-primary.sh runs only on an empty volume), so new ones would fail
 * authentication everywhere.
 */
export function upRefusal(
  missing: readonly string[],
  hadEnvFile: boolean,
  volume: "present" | "absent" | "unknown",
): string | undefined {
  if (missing.length === 0 || volume === "absent") return undefined;
  const what = hadEnvFile ? `docker/.env lacks ${missing.join(", ")}` : "there is no docker/.env";
  if (volume === "unknown")
    return `[docker] ${what}, and Docker could not say whether the volume ${PRIMARY_VOLUME} exists (is the Docker engine running?): not writing new secrets.`;
  return (
    `[docker] ${what}, but the volume ${PRIMARY_VOLUME} exists: the volumes hold the old passwords, so new ones would not work. ` +
    "Put the old docker/.env back, or start over (this deletes the containers, the volumes and their data): npm run docker:clean, then npm run docker:up."
  );
}

const dockerDir = path.join(process.cwd(), "docker");
const envFile = path.join(dockerDir, ".env");
const readEnv = () => (existsSync(envFile) ? parseEnvFile(readFileSync(envFile, "utf8")) : undefined);

function composeAvailable(): boolean {
  // Without the compose plugin, `docker compose -f …` fails with a baffling "unknown shorthand flag".
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0) return true;
  console.error(
    "[docker] `docker compose` is not available: install Docker with the compose plugin, or use the embedded cluster (npm run dev).",
  );
  return false;
}

/** Runs `docker compose` with `args`; the caller has checked that compose is available. */
function runCompose(args: string[]): number {
  const { argv, env } = composeInvocation(path.join(dockerDir, "compose.yml"), envFile, readEnv(), args);
  const placeholders =
    Object.keys(env).length > 0 ? ` (placeholders for ${Object.keys(env).join(", ")}, not in docker/.env)` : "";
  console.error(`[docker] docker ${argv.join(" ")}${placeholders}`);
  return spawnSync("docker", argv, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
}

const compose = (args: string[]): number => (composeAvailable() ? runCompose(args) : 1);

const commands: Record<string, () => number | Promise<number>> = {
  async up() {
    if (!composeAvailable()) return 1;
    const existing = readEnv();
    const missing = missingSecrets(existing ?? {});
    if (missing.length > 0) {
      const inspect = spawnSync("docker", ["volume", "inspect", PRIMARY_VOLUME], { encoding: "utf8" });
      const refusal = upRefusal(
        missing,
        existing !== undefined,
        volumeState({ status: inspect.status, stderr: inspect.stderr ?? "" }),
      );
      if (refusal) {
        console.error(refusal);
        return 1;
      }
    }
    const { created } = ensureEnvFile(envFile);
    if (created.length > 0) console.error(`[docker] wrote ${created.join(", ")} to docker/.env (mode 0600)`);
    const certificates = await ensureDockerCertificates(dockerDir);
    if (certificates.length > 0)
      console.error(`[docker] wrote TLS files to docker/tls/: ${certificates.join(", ")} (keys mode 0600)`);
    const status = runCompose(["up", "-d", "--build", "--wait"]);
    if (status === 0) {
      console.error(`[docker] up: app http://127.0.0.1:${HOST_PORTS.app} (admin token: ADMIN_TOKEN in docker/.env)`);
      console.error("[docker] from the host: env $(npm run -s docker:env) npm run db:verify");
    }
    return status;
  },
  down: () => compose(["down"]),
  clean() {
    const status = compose(["down", "--volumes", "--remove-orphans"]);
    if (status === 0) {
      rmSync(envFile, { force: true });
      rmSync(tlsDir(dockerDir), { recursive: true, force: true });
    }
    return status;
  },
  env() {
    if (!existsSync(envFile)) {
      console.error("[docker] no docker/.env: run `npm run docker:up` first.");
      return 1;
    }
    const urls = hostUrls(parseEnvFile(readFileSync(envFile, "utf8")) as Secrets, caFile(dockerDir));
    console.log(`DATABASE_URL=${urls.primary}`);
    console.log(`DATABASE_REPLICA_URLS=${urls.replicas.join(",")}`);
    console.log(`TANDEM_APP_URL=http://127.0.0.1:${HOST_PORTS.app}`);
    return 0;
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const name = process.argv[2] ?? "";
  const command = commands[name];
  if (!command) {
    console.error(`Usage: tsx src/scripts/docker.ts ${Object.keys(commands).join("|")}`);
    process.exit(2);
  }
  process.exit(await command());
}
