/**
 * Read-your-writes across requests, client side. Every mutation returns `consistencyToken` (the
 * primary's timeline and WAL position after its commit, src/server/db/consistency-token.ts); the client
 * keeps the newest one it has seen and sends it
 * with later requests as `x-consistency-token`, and the server then reads from a replica that has
 * replayed at least that far (or from the primary). The token lives with the client (memory,
 * sessionStorage, a file for the CLI), so the server needs no session store.
 */
import { isNewer, parseToken } from "~/server/db/data-layer/consistency-token";

/** Where a client keeps its token. `set` only ever receives a token at least as new as the current one. */
export interface ConsistencyTokenStore {
  get(): string | undefined;
  set(token: string): void;
}

/** The later of two tokens: responses can arrive out of order, and an older token must not win. */
export function newerToken(current: string | undefined, candidate: string): string {
  if (current === undefined) return candidate;
  try {
    return isNewer(parseToken(candidate), parseToken(current)) ? candidate : current;
  } catch {
    return candidate; // a corrupt stored token is replaced by a good one
  }
}

export function memoryTokenStore(): ConsistencyTokenStore {
  let token: string | undefined;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

/**
 * Per browser tab, surviving reloads: a reload right after a write still reads it. Falls back to memory
 * where sessionStorage is missing or refuses (server rendering, some privacy modes).
 */
export function sessionStorageTokenStore(key = "tandem.consistencyToken"): ConsistencyTokenStore {
  const memory = memoryTokenStore();
  const storage = typeof window === "undefined" ? undefined : window.sessionStorage;
  return {
    get: () => {
      try {
        return storage?.getItem(key) ?? memory.get();
      } catch {
        return memory.get();
      }
    },
    set: (token) => {
      memory.set(token);
      try {
        storage?.setItem(key, token);
      } catch {
        // quota or privacy mode: memory is enough for this page's lifetime
      }
    },
  };
}
