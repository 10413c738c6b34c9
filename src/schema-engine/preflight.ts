/**
 * The shim's own first connection to the target database, made before the WebAssembly engine connects.
 *
 * It does two things the engine cannot: it turns a failed connection into Prisma's P1xxx error (the
 * engine loses the code, see connection-errors.ts), and it learns whether the server is a replica so
 * replica-guard.ts can refuse writes. One short-lived `pg.Client`, one round trip.
 */
import pg from "pg";
import { connectionError } from "./connection-errors";
import type { PgTarget } from "./database-url";

export interface TargetStatus {
  inRecovery: boolean;
}

/** Runs `run` on a fresh connection to `target`; a failed connection throws Prisma's P1xxx error. */
export async function withConnection<T>(target: PgTarget, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(target.config);
  // Without a listener, a server-side disconnect of an idle client would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    throw connectionError(error, target) ?? error;
  }
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export function probeTarget(target: PgTarget): Promise<TargetStatus> {
  return withConnection(target, async (client) => ({ inRecovery: await isInRecovery(client) }));
}

/** True on a standby (streaming replica or a server restoring from archive): it cannot take writes. */
export async function isInRecovery(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ in_recovery: boolean }>("SELECT pg_is_in_recovery() AS in_recovery");
  return rows[0]!.in_recovery;
}
