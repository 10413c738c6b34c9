/**
 * The idempotency_keys table on the primary, in SQL because the claim is one statement Prisma's model API
 * cannot express: insert the key, or take over an expired one, and say which happened.
 *
 * Concurrency comes from PostgreSQL: a second transaction inserting the same key waits on the unique
 * index until the first commits (then it finds the row and replays it) or rolls back (then it inserts
 * and goes ahead). So two requests with one key make one change, and neither sees a half-done one.
 * Times are the database's (CURRENT_TIMESTAMP), so app servers' clocks do not matter.
 */
import type { Prisma, PrismaClient } from "~/generated/prisma/client";

type Sql = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

export interface StoredKey {
  fingerprint: string;
  response: unknown;
  servedBy: unknown;
  consistencyToken: string | null;
}

/** True when this transaction now owns the key (new, or expired and taken over); false when a live row exists. */
export async function claimKey(tx: Sql, key: string, fingerprint: string, ttlMs: number): Promise<boolean> {
  const claimed = await tx.$queryRaw<unknown[]>`
    INSERT INTO idempotency_keys (key, fingerprint, response, expires_at)
    VALUES (${key}, ${fingerprint}, 'null'::jsonb, CURRENT_TIMESTAMP + make_interval(secs => ${ttlMs / 1000}))
    ON CONFLICT (key) DO UPDATE
      SET fingerprint = EXCLUDED.fingerprint, response = EXCLUDED.response, served_by = NULL, consistency_token = NULL,
          created_at = CURRENT_TIMESTAMP, expires_at = EXCLUDED.expires_at
      WHERE idempotency_keys.expires_at <= CURRENT_TIMESTAMP
    RETURNING key`;
  return claimed.length === 1;
}

/** The live row of a key another request claimed (read after claimKey waited for that request to commit). */
export async function storedKey(tx: Sql, key: string): Promise<StoredKey> {
  const [row] = await tx.$queryRaw<StoredKey[]>`
    SELECT fingerprint, response, served_by AS "servedBy", consistency_token AS "consistencyToken" FROM idempotency_keys WHERE key = ${key}`;
  return row;
}

/** In the claiming transaction, after the change: the answer retries will get. */
export async function saveResponse(tx: Sql, key: string, response: Prisma.InputJsonValue): Promise<void> {
  await tx.$executeRaw`UPDATE idempotency_keys SET response = ${JSON.stringify(response)}::jsonb WHERE key = ${key}`;
}

/** After the commit: where it was written and the consistency token, known only once the commit is. */
export async function saveCommitFacts(
  db: PrismaClient,
  key: string,
  servedBy: unknown,
  consistencyToken: string,
): Promise<void> {
  await db.$executeRaw`UPDATE idempotency_keys SET served_by = ${JSON.stringify(servedBy)}::jsonb, consistency_token = ${consistencyToken} WHERE key = ${key}`;
}

export async function deleteExpiredKeys(tx: Sql): Promise<number> {
  return tx.$executeRaw`DELETE FROM idempotency_keys WHERE expires_at <= CURRENT_TIMESTAMP`;
}
