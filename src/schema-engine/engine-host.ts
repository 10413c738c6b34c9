/**
 * Serves the CLI's JSON-RPC methods with the WebAssembly engine.
 *
 * Most methods map 1:1 onto `SchemaEngine` (same names and payloads as the native engine). The
 * exceptions are handled here: `createDatabase` (the wasm engine has none), `getDatabaseVersion` and
 * `version` (named differently), and `diff`, whose script the native engine sends to the CLI as a `print`
 * request while the wasm engine returns it.
 */
import { createAdapterFactory } from "./adapter";
import type { PgTarget } from "./database-url";
import { asMigrationFailure, EnginePanic, UserFacingError } from "./errors";
import { createDatabase } from "./one-shot";
import { probeTarget, type TargetStatus } from "./preflight";
import { needsPrimary, replicaRefusal } from "./replica-guard";
import { callEngine, createWasmEngine, engineVersion, type SchemaEngine } from "./wasm-engine";

/** Methods whose names and payloads are the same for the native and the WebAssembly engine. */
const PASSTHROUGH = new Set([
  "applyMigrations",
  "createMigration",
  "dbExecute",
  "devDiagnostic",
  "diagnoseMigrationHistory",
  "ensureConnectionValidity",
  "evaluateDataLoss",
  "introspect",
  "introspectSql",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "reset",
  "schemaPush",
]);

export interface EngineHostOptions {
  datamodels: [path: string, content: string][];
  /** From `--datasource`; absent when the Prisma config has no datasource URL. */
  target: PgTarget | undefined;
  shadowTarget: PgTarget | undefined;
  /** Sends `print` to the CLI, which writes the content to its stdout. */
  print(content: string): Promise<unknown>;
  /** Receives the engine's JSON log lines (the native engine writes them to stderr). */
  log(jsonLine: string): void;
}

export class EngineHost {
  private engine: Promise<SchemaEngine> | undefined;
  private status: Promise<TargetStatus> | undefined;
  private panic: EnginePanic | undefined;

  constructor(private readonly options: EngineHostOptions) {}

  async handle(method: string, params: unknown): Promise<unknown> {
    if (this.panic) throw this.panic;
    if (method === "version") return engineVersion();

    const target = this.requireTarget(method);
    if ((await this.targetStatus(target)).inRecovery && needsPrimary(method, params)) throw replicaRefusal(target);
    if (method === "createDatabase") return { databaseName: await createDatabase(target) };

    const engine = await this.startEngine(target);
    try {
      return await callEngine(() => this.dispatch(engine, method, params));
    } catch (error) {
      if (error instanceof EnginePanic) this.panic = error;
      throw method === "applyMigrations" ? asMigrationFailure(error) : error;
    }
  }

  private async dispatch(engine: SchemaEngine, method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case "getDatabaseVersion":
        return engine.version();
      case "debugPanic":
        return engine.debugPanic();
      case "diff": {
        const result = await engine.diff(params as Parameters<SchemaEngine["diff"]>[0]);
        // The CLI prints `content` plus a newline; the wasm engine's script already ends with one.
        if (result.stdout) await this.options.print(result.stdout.replace(/\n$/, ""));
        return { ...result, stdout: null };
      }
    }
    if (!PASSTHROUGH.has(method))
      throw new UserFacingError(`The WebAssembly schema engine has no method \`${method}\`.`);
    const call = (engine as unknown as Record<string, (p: unknown) => Promise<unknown>>)[method]!;
    return call.call(engine, params);
  }

  private requireTarget(method: string): PgTarget {
    if (this.options.target) return this.options.target;
    throw new UserFacingError(
      `The schema engine got no datasource URL, which \`${method}\` needs. Set DATABASE_URL or run \`npm run db:up\`.`,
    );
  }

  /**
   * Connects once per process, before the engine does: this is where a wrong password or a stopped
   * server is reported with its P-code, and where a replica is recognised.
   */
  private targetStatus(target: PgTarget): Promise<TargetStatus> {
    this.status ??= probeTarget(target);
    return this.status;
  }

  private startEngine(target: PgTarget): Promise<SchemaEngine> {
    const { shadowTarget } = this.options;
    // The shadow database is emptied before use (see adapter.ts): it must never be the main database.
    if (shadowTarget && shadowTarget.label === target.label) {
      throw new UserFacingError(
        `SHADOW_DATABASE_URL names the main database (${target.label}); point it at a separate, disposable database.`,
      );
    }
    this.engine ??= callEngine(() =>
      createWasmEngine(this.options.datamodels, createAdapterFactory(target, shadowTarget), this.options.log),
    );
    return this.engine;
  }
}
