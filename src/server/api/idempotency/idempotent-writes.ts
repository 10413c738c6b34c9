/**
 * A mutation carrying an Idempotency-Key: its `ctx.db.write` runs in one interactive transaction with the
 * key's row, so the key is recorded if and only if the change is committed. A retry after any failure is
 * therefore safe: if the change was committed (even when the answer was lost, e.g. a 503 after the commit),
 * the retry gets the first answer back and changes nothing; if it was not, the retry makes it.
 *
 * The same key with another operation or input is refused (422). A key is replayed for the TTL, then
 * forgotten; expired rows are swept by a later request.
 */
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { PrismaClient } from "~/generated/prisma/client";
import type { RequestDb } from "~/server/db";
import type { DataLayer, ServedBy, WriteResult } from "~/server/db/data-layer/data-layer";
import { requestDbView } from "~/server/db/request-db-view";
import { claimKey, deleteExpiredKeys, saveCommitFacts, saveResponse, storedKey } from "./key-store";
import type { IdempotencySettings } from "./settings";

export interface IdempotentRequest {
  key: string;
  fingerprint: string;
  settings: IdempotencySettings;
  /** Set when the answer is a replay of the key's first one (the REST API then says `Idempotent-Replayed: true`). */
  onReplay(): void;
}

/** When each data layer (the app has one; tests may have several) last swept expired keys. */
const lastSweep = new WeakMap<DataLayer, number>();

/** The request's data layer as the procedure sees it, with `write` made idempotent. */
export function withIdempotency(db: RequestDb, shared: DataLayer, request: IdempotentRequest): RequestDb {
  return requestDbView(db, { write: (mutation) => idempotentWrite(db, shared, request, mutation) });
}

type Outcome<T> = { replayed: false; data: T } | { replayed: true; stored: Awaited<ReturnType<typeof storedKey>> };

async function idempotentWrite<T>(
  db: RequestDb,
  shared: DataLayer,
  request: IdempotentRequest,
  mutation: (client: PrismaClient) => Promise<T>,
): Promise<WriteResult<T>> {
  const { key, fingerprint, settings } = request;
  const sweep = sweepDue(shared, settings);
  const result = await db.write((client) =>
    client.$transaction(async (tx): Promise<Outcome<T>> => {
      if (sweep) await deleteExpiredKeys(tx);
      if (!(await claimKey(tx, key, fingerprint, settings.ttlMs))) {
        const stored = await storedKey(tx, key);
        if (stored.fingerprint !== fingerprint) throw keyReused();
        return { replayed: true, stored };
      }
      // The transaction client has the same model delegates; only $transaction and $connect are missing,
      // which a mutation inside a transaction must not use anyway.
      const data = await mutation(tx as unknown as PrismaClient);
      await saveResponse(tx, key, superjson.serialize(data) as never);
      return { replayed: false, data };
    }),
  );
  const outcome = result.data;
  if (outcome.replayed) {
    request.onReplay();
    const { stored } = outcome;
    return {
      data: superjson.deserialize(stored.response as never) as T,
      // Missing only if the process stopped between the commit and saveCommitFacts: then this write's
      // token, taken after the first commit, stands in (it is later, so it reads that write too).
      servedBy: (stored.servedBy as ServedBy | null) ?? result.servedBy,
      consistencyToken: stored.consistencyToken ?? result.consistencyToken,
    };
  }
  try {
    await db.write((client) => saveCommitFacts(client, key, result.servedBy, result.consistencyToken));
  } catch (error) {
    // The change is committed and its answer known: answer it. A retry still replays (see above).
    console.warn(
      `[idempotency] could not record the commit facts of key ${JSON.stringify(key)}:`,
      (error as Error).message,
    );
  }
  return { data: outcome.data, servedBy: result.servedBy, consistencyToken: result.consistencyToken };
}

function keyReused(): TRPCError {
  return new TRPCError({
    code: "UNPROCESSABLE_CONTENT",
    message:
      "This Idempotency-Key was already used for a different request (another operation or input). Use a new key for a new request.",
  });
}

function sweepDue(db: DataLayer, settings: IdempotencySettings): boolean {
  const now = Date.now();
  if (now - (lastSweep.get(db) ?? Number.NEGATIVE_INFINITY) < settings.sweepIntervalMs) return false;
  lastSweep.set(db, now);
  return true;
}
