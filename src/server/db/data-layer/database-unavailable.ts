import { describeConnectionFailure } from "~/replication/connection-errors";

/** The database could not be reached, or no node may take writes: the API answers SERVICE_UNAVAILABLE. */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly node: string,
    readonly endpoint: string,
    readonly cause: unknown,
    /** Why, as a sentence, when it is not a connection failure (two primaries, a stale primary). */
    readonly reason?: string,
  ) {
    super(
      reason
        ? `No node may take writes: ${reason}`
        : `The database ${node} (${endpoint}) is unreachable: ${describeConnectionFailure(cause)}`,
    );
    this.name = "DatabaseUnavailableError";
  }
}
