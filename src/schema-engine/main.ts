/**
 * Entry point of the schema engine shim: Prisma's CLI runs bin/schema-engine (via
 * PRISMA_SCHEMA_ENGINE_BINARY, set in prisma.config.ts) wherever it would run its native `schema-engine`,
 * which it cannot download on this network. Same command line, same stdio protocol, same error shapes;
 * the engine inside is Prisma's own, compiled to WebAssembly, talking to PostgreSQL through adapter-pg.
 */
import { readFileSync } from "node:fs";
import { parseEngineArgs } from "./cli-args";
import { parseDatabaseUrl } from "./database-url";
import { EngineHost } from "./engine-host";
import { describe } from "./errors";
import { isOneShotCommand, runOneShot } from "./one-shot";
import { JsonRpcConnection } from "./protocol";
import { engineVersion } from "./wasm-engine";

/**
 * Reports a failure outside any request the way the native engine does, as a JSON log line on stderr:
 * when the process exits with code 1 the CLI shows "Error in Schema engine: <that message>".
 */
function exitWithError(error: unknown): never {
  const { message, errorCode } = describe(error);
  process.stderr.write(
    `${JSON.stringify({ level: "ERROR", fields: { message, error_code: errorCode }, target: "schema_engine::logger" })}\n`,
  );
  process.exit(1);
}

async function main(): Promise<void> {
  const args = parseEngineArgs(process.argv.slice(2));

  if (args.version) {
    // `prisma version` shows this line next to the engine's path.
    process.stdout.write(`schema-engine-wasm ${engineVersion()}\n`);
    return;
  }

  if (args.oneShotCommand !== undefined) {
    if (!isOneShotCommand(args.oneShotCommand)) throw new Error(`Unknown one-shot command: cli ${args.oneShotCommand}`);
    process.exitCode = await runOneShot(args.oneShotCommand, args.datasource?.url);
    return;
  }

  // stdout is the JSON-RPC channel: anything a dependency logs must go to stderr instead.
  console.log = console.info = console.debug = console.error;

  const { url, shadowDatabaseUrl } = args.datasource ?? {};
  const rpc = new JsonRpcConnection(process.stdin, process.stdout);
  const host = new EngineHost({
    datamodels: args.datamodelPaths.map((file) => [file, readFileSync(file, "utf8")]),
    target: url ? parseDatabaseUrl(url) : undefined,
    shadowTarget: shadowDatabaseUrl ? parseDatabaseUrl(shadowDatabaseUrl) : undefined,
    print: (content) => rpc.call("print", { content }),
    log: (line) => process.stderr.write(line.endsWith("\n") ? line : `${line}\n`),
  });
  await rpc.serve((method, params) => host.handle(method, params));
  // The CLI closed stdin: it is done with this engine. Pools the engine opened would keep the process
  // alive for their idle timeout, so leave now rather than make every prisma command wait for them.
  process.exit(0);
}

process.on("uncaughtException", exitWithError);
main().catch(exitWithError);
