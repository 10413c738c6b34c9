/**
 * Connection failures mapped to Prisma's P1xxx errors, worded as Prisma's native engine words them.
 *
 * Why this exists: inside the WebAssembly engine, connection failures reported by the driver adapter
 * come back as plain text without their Prisma code, so `prisma migrate deploy` against a stopped server
 * would not say "P1001". The shim therefore opens its own first connection (see preflight.ts) and
 * classifies failures here, from the `pg` / Node error it actually got.
 */
import { socketFailureOf } from "../replication/connection-errors";
import type { PgTarget } from "./database-url";
import { UserFacingError } from "./errors";

export function connectionError(error: unknown, target: PgTarget): UserFacingError | undefined {
  const { host, port, user, database } = target.config;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  const socketFailure = socketFailureOf(error);

  switch (code) {
    case "28P01": // invalid_password
      return new UserFacingError(
        `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\n` +
          `Please make sure to provide valid database credentials for the database server at \`${host}\`.`,
        "P1000",
        { database_host: host, database_user: user },
      );
    case "28000": // invalid_authorization_specification: e.g. no pg_hba.conf entry
      return new UserFacingError(`User \`${user}\` was denied access on the database \`${database}\``, "P1010", {
        database_user: user,
        database_name: database,
      });
    case "3D000": // invalid_catalog_name: the CLI reacts to P1003 by offering to create the database
      return new UserFacingError(
        `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`,
        "P1003",
        { database_name: database, database_host: host, database_port: port },
      );
  }
  if (socketFailure === "unreachable") {
    return new UserFacingError(
      `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.`,
      "P1001",
      { database_host: host, database_port: port },
    );
  }
  if (socketFailure === "timed-out") {
    return new UserFacingError(
      `The database server at \`${host}:${port}\` was reached but timed out.\n\nPlease try again.\n\n` +
        `Please make sure your database server is running at \`${host}:${port}\`.`,
      "P1002",
      { database_host: host, database_port: port },
    );
  }
  if (/SSL|TLS|certificate/i.test(message) || (typeof code === "string" && /CERT|TLS|SSL/.test(code))) {
    return new UserFacingError(`Error opening a TLS connection: ${message}`, "P1011", { message });
  }
  if (socketFailure === "closed") {
    return new UserFacingError("Server has closed the connection.", "P1017");
  }
  return undefined;
}
