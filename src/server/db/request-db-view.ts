/**
 * A request's data layer (`ctx.db`, a RequestDb) with `read` or `write` replaced: an idempotent `write`,
 * a `read` that remembers who served it. The replacements call the request's own methods, so the token
 * the request carries (and that its writes advance) stays the one the request's RequestDb holds.
 */
import type { RequestDb } from "./data-layer/data-layer";

export function requestDbView(db: RequestDb, overrides: Partial<Pick<RequestDb, "read" | "write">>): RequestDb {
  return {
    read: overrides.read ?? ((query, options) => db.read(query, options)),
    write: overrides.write ?? ((mutation) => db.write(mutation)),
    get consistencyToken() {
      return db.consistencyToken;
    },
  };
}
