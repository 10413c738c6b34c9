/** What the classifiers read of an error at one level of its cause chain. */
export interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
  cause?: unknown;
}

/**
 * The error and its causes, outermost first, while they are objects. Drivers wrap each other (Prisma around
 * adapter-pg around `pg` around a Node socket error), so the code that says why often sits a few levels down;
 * `limit` bounds the walk against a cause that points back at its own error.
 */
export function causeChain(error: unknown, limit = 5): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error; e && typeof e === "object" && chain.length < limit; e = (e as ErrorLike).cause)
    chain.push(e as ErrorLike);
  return chain;
}
