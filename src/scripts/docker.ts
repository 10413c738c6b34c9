/**
 * The docker:* npm scripts, around docker/compose.yml:
 *   docker:up     write docker/.env on first use (random passwords and admin token, mode 0600), then
 *                 `docker compose … up -d --build --wait`
 *   docker:down   stop and remove the containers; the data volumes stay
 *   docker:clean  remove the containers and the volumes, then docker/.env (the next up starts afresh)
 *   docker:env    DATABASE_URL=… lines for running tools on the host against the containers' published ports
 * The secrets are baked into the volumes at the first start (init-primary.sh), so docker/.env and the
 * volumes live and die together.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Every variable docker/compose.yml takes from the env file; all secrets, all generated. */
export const SECRET_NAMES = ["POSTGRES_PASSWORD", "REPLICATOR_PASSWORD", "TANDEM_DB_PASSWORD", "ADMIN_TOKEN"] as const;
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

/**
 * Reads the env file, creating it (or adding the variables it lacks) with fresh random values. Existing
 * values are never changed: the volumes already hold them.
 */
export function ensureEnvFile(file: string): { secrets: Secrets; created: string[] } {
  const existing = existsSync(file) ? parseEnvFile(readFileSync(file, "utf8")) : {};
  const created = SECRET_NAMES.filter((name) => !existing[name]);
  if (created.length > 0) {
    const values = { ...existing, ...Object.fromEntries(created.map((name) => [name, secret()])) };
    writeFileSync(file, HEADER + Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });
  }
  chmodSync(file, 0o600); // writeFileSync's mode applies only to a new file
  return { secrets: parseEnvFile(readFileSync(file, "utf8")) as Secrets, created };
}

/** URLs for the host: the app role over the published ports (what the app container uses over the network). */
export function hostUrls(secrets: Pick<Secrets, "TANDEM_DB_PASSWORD">): { primary: string; replicas: string[] } {
  const url = (port: number) => `postgresql://tandem:${secrets.TANDEM_DB_PASSWORD}@127.0.0.1:${port}/tandem`;
  return { primary: url(HOST_PORTS.primary), replicas: HOST_PORTS.replicas.map(url) };
}

const dockerDir = path.join(process.cwd(), "docker");
const envFile = path.join(dockerDir, ".env");

function compose(args: string[]): number {
  // Without the compose plugin, `docker compose -f …` fails with a baffling "unknown shorthand flag".
  if (spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status !== 0) {
    console.error("[docker] `docker compose` is not available: install Docker with the compose plugin, or use the embedded cluster (npm run dev).");
    return 1;
  }
  const argv = ["compose", "-f", path.join(dockerDir, "compose.yml"), "--env-file", envFile, ...args];
  console.error(`[docker] docker ${argv.join(" ")}`);
  return spawnSync("docker", argv, { stdio: "inherit" }).status ?? 1;
}

function requireEnvFile(): boolean {
  if (existsSync(envFile)) return true;
  console.error("[docker] no docker/.env, so no cluster was started by `npm run docker:up`: nothing to do.");
  return false;
}

const commands: Record<string, () => number> = {
  up() {
    const { created } = ensureEnvFile(envFile);
    if (created.length > 0) console.error(`[docker] wrote ${created.join(", ")} to docker/.env (mode 0600)`);
    const status = compose(["up", "-d", "--build", "--wait"]);
    if (status === 0) {
      console.error(`[docker] up: app http://127.0.0.1:${HOST_PORTS.app} (admin token: ADMIN_TOKEN in docker/.env)`);
      console.error("[docker] from the host: env $(npm run -s docker:env) npm run db:verify");
    }
    return status;
  },
  down: () => (requireEnvFile() ? compose(["down"]) : 0),
  clean() {
    if (!requireEnvFile()) return 0;
    const status = compose(["down", "--volumes", "--remove-orphans"]);
    if (status === 0) rmSync(envFile);
    return status;
  },
  env() {
    if (!existsSync(envFile)) {
      console.error("[docker] no docker/.env: run `npm run docker:up` first.");
      return 1;
    }
    const urls = hostUrls(parseEnvFile(readFileSync(envFile, "utf8")) as Secrets);
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
  process.exit(command());
}
