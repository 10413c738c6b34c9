/**
 * Errors in the shape Prisma's CLI expects from its schema engine.
 *
 * The CLI (`prisma/build/cli.js`, class SchemaEngine.runCommand) reads a JSON-RPC error's `data`:
 * with `data.error_code` it prints "P1001\n\n<message>" and throws an EngineError carrying the code;
 * with only `data.message` it prints the message; with `data.is_panic` it reports an engine crash.
 * Those are the only three outcomes users can see, so every failure here becomes one of them.
 */

/** A failure Prisma users should read as-is, optionally with a Prisma error code (P1000, P3005, …). */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly errorCode?: string,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

/** The Rust code inside the WebAssembly engine panicked; the instance must not be used again. */
export class EnginePanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnginePanic";
  }
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data: { is_panic: boolean; message: string; error_code?: string; meta: Record<string, unknown> };
}

/** The JSON-RPC error code Prisma's native engine uses for every application error. */
const ENGINE_ERROR = 4466;

export function toRpcError(error: unknown): RpcErrorObject {
  if (error instanceof EnginePanic) {
    // The CLI shows `error.message` as the panic reason and `data.message` as details.
    return { code: ENGINE_ERROR, message: error.message, data: { is_panic: true, message: error.message, meta: {} } };
  }
  const { message, errorCode, meta } = describe(error);
  return {
    code: ENGINE_ERROR,
    message: "An error happened. Check the data field for details.",
    data: { is_panic: false, message, error_code: errorCode, meta },
  };
}

/**
 * Message and code of any thrown value. Errors from the WebAssembly engine are plain `Error`s whose
 * `code` property holds the Prisma error code when the engine knows one (e.g. P3017, P1012).
 */
export function describe(error: unknown): { message: string; errorCode?: string; meta: Record<string, unknown> } {
  if (error instanceof UserFacingError) return { message: error.message, errorCode: error.errorCode, meta: error.meta };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      message: error.message,
      errorCode: typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined,
      meta: {},
    };
  }
  return { message: String(error), meta: {} };
}

/**
 * A failed migration script in Prisma's P3018 wording. The native engine reports this case with a code;
 * the WebAssembly engine returns the database error with its span trace, which names the migration
 * (`with migration_name="…"`). Anything else is returned unchanged.
 */
export function asMigrationFailure(error: unknown): unknown {
  const { message, errorCode } = describe(error);
  const migrationName = /with migration_name="([^"]+)"/.exec(message)?.[1];
  if (errorCode || !migrationName) return error;
  const databaseError = /Error querying the database: ([\s\S]*?)\n\s+0: /.exec(message)?.[1] ?? message;
  return new UserFacingError(
    "A migration failed to apply. New migrations cannot be applied before the error is recovered from. " +
      "Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n" +
      `Migration name: ${migrationName}\n\nDatabase error:\n${databaseError}`,
    "P3018",
    { migration_name: migrationName, database_error: databaseError },
  );
}
