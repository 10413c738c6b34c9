/**
 * The database driver handed to the WebAssembly schema engine: `@prisma/adapter-pg`, bound with
 * `bindMigrationAwareSqlAdapterFactory` so the engine can open both the main and a shadow database.
 *
 * PrismaPg is used as-is for queries; three of its behaviours are replaced because Migrate depends on them:
 * - Connection fields come from the parsed URL, never `connectionString` (see database-url.ts).
 * - `executeScript` runs a migration script as ONE simple-protocol query, as Prisma's native engine does.
 *   PrismaPg splits scripts on every ";", which breaks `CREATE FUNCTION … $$ …; … $$` bodies and string
 *   literals containing ";", and would apply a failing migration half-way instead of not at all.
 * - The temporary shadow database is dropped after its pool is closed (PrismaPg drops it first, which
 *   fails with "database … is being accessed by other users"), and the admin pool that created it is
 *   closed too (PrismaPg leaves it open, keeping the process alive for the pool's idle timeout).
 * Catalog queries also return PostgreSQL's internal `"char"` type, which PrismaPg rejects; see
 * CatalogSafeClient.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { onDatabase, type PgTarget } from "./database-url";

/** OIDs from pg_type: `"char"` (single-byte catalog code such as pg_constraint.contype) and `text`. */
const CHAR_OID = 18;
const TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

/**
 * A pg client that reports `"char"` columns as `text`. The engine's catalog queries select columns like
 * `pg_constraint.contype`; PrismaPg maps column types by OID and throws UnsupportedNativeDataType for 18,
 * although the value pg hands back is already a one-character string. Relabelling the column is the
 * smallest change that keeps PrismaPg's own query path.
 */
class CatalogSafeClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads (callback, promise, submittable); only the result is touched.
  override query(...args: any[]): any {
    const callbackAt = args.findIndex((arg) => typeof arg === "function");
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (err: unknown, res: unknown) => void;
      args[callbackAt] = (err: unknown, res: unknown) => callback(err, err ? res : relabelCharColumns(res));
    }
    const result: unknown = Reflect.apply(super.query, this, args);
    return result instanceof Promise ? result.then(relabelCharColumns) : result;
  }
}

function relabelCharColumns<T>(result: T): T {
  // A multi-statement simple query yields one result per statement.
  for (const one of (Array.isArray(result) ? result : [result]) as QueryResultLike[]) {
    for (const field of one?.fields ?? []) if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

async function connectTo(
  target: PgTarget,
): Promise<SqlDriverAdapter & { executeScript(script: string): Promise<void> }> {
  const adapter = await new PrismaPg(
    { ...target.config, Client: CatalogSafeClient },
    { schema: target.schema },
  ).connect();
  // With no parameters pg uses the simple query protocol, which runs a multi-statement script in one
  // round trip and one implicit transaction; PrismaPg's executeRaw still maps errors for the engine.
  adapter.executeScript = async (script: string) => {
    await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
  };
  return adapter;
}

class MigrationPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";

  constructor(
    private readonly main: PgTarget,
    private readonly shadow: PgTarget | undefined,
  ) {}

  connect(): Promise<SqlDriverAdapter> {
    return connectTo(this.main);
  }

  /** The configured shadow database, else a throwaway one on the main server (Prisma's default). */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    if (this.shadow) {
      const shadow = await connectTo(this.shadow);
      // Prisma's native engine empties a configured shadow database before replaying migrations into it;
      // the WebAssembly engine leaves that to the driver, and `migrate dev` replays more than once.
      const schema = `"${this.shadow.schema.replaceAll('"', '""')}"`;
      await shadow.executeScript(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`);
      return shadow;
    }

    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    const admin = await connectTo(this.main);
    try {
      await admin.executeScript(`CREATE DATABASE "${database}"`);
    } catch (error) {
      await admin.dispose();
      throw error;
    }
    const shadow = await connectTo(onDatabase(this.main, database));
    const closePool = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      try {
        await closePool();
        // FORCE: a connection the engine leaked must not keep a scratch database alive.
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await admin.dispose();
      }
    };
    return shadow;
  }
}

export function createAdapterFactory(main: PgTarget, shadow?: PgTarget) {
  return bindMigrationAwareSqlAdapterFactory(new MigrationPgFactory(main, shadow));
}
