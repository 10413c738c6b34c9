/** Which errors are "node gone" (retried elsewhere) and how they are worded for people. */
import net from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { causeChain } from "~/replication/cause-chain";
import {
  describeConnectionFailure,
  firstErrorCode,
  isConnectionError,
  isUnreachable,
  socketFailureOf,
  sqlStateOf,
} from "~/replication/connection-errors";

/** A real refused connection from `pg`: a port nobody listens on. */
async function refusedError(): Promise<unknown> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const client = new pg.Client({ host: "127.0.0.1", port, user: "x", database: "x", connectionTimeoutMillis: 2_000 });
  return client.connect().then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** The shape Prisma gives a PostgreSQL session ended under it (P2039 carrying the SQLSTATE). */
const adapterError = (originalCode: string, kind = "postgres") => ({
  code: "P2039",
  message: "",
  meta: { driverAdapterError: { cause: { kind, originalCode } } },
});

describe("isConnectionError / describeConnectionFailure", () => {
  it("a refused TCP connection", async () => {
    const error = await refusedError();
    expect(isConnectionError(error)).toBe(true);
    expect(describeConnectionFailure(error)).toBe("connection refused");
  });

  it.each([
    [adapterError("57P01"), "the server shut down"],
    [adapterError("57P03"), "the server is starting up or shutting down"],
    [adapterError("08006"), "connection lost"],
    [{ code: "P1017", message: "Server has closed the connection." }, "connection closed"],
    [{ code: "P1001", message: "" }, "connection refused"],
    [adapterError("28P01"), "the server refused the app's credentials (check the user and password in its URL)"],
    [
      { code: "P1000", message: "Authentication failed" },
      "the server refused the app's credentials (check the user and password in its URL)",
    ],
    [adapterError("3D000"), "the database in its URL does not exist"],
    [new Error("wrapped", { cause: { code: "ECONNRESET" } }), "connection closed"],
  ])("%j is a connection failure: %s", (error, words) => {
    expect(isConnectionError(error)).toBe(true);
    expect(describeConnectionFailure(error)).toBe(words);
  });

  it.each([
    [{ code: "P2002", message: "Unique constraint failed" }],
    [adapterError("22021")],
    [new Error("syntax error at or near")],
    [undefined],
  ])("%j is not: it must fail, not be retried on another node", (error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});

describe("sqlStateOf", () => {
  it("finds PostgreSQL's code where adapter-pg, pg or a wrapper put it", () => {
    expect(sqlStateOf(adapterError("25006"))).toBe("25006");
    expect(sqlStateOf({ code: "25006", message: "cannot execute INSERT in a read-only transaction" })).toBe("25006");
    expect(sqlStateOf(new Error("wrapped", { cause: adapterError("23505") }))).toBe("23505");
    expect(sqlStateOf({ code: "P2002" })).toBeUndefined();
    expect(sqlStateOf(new Error("no code"))).toBeUndefined();
  });
});

describe("socketFailureOf / isUnreachable (the cluster manager's probes and the schema-engine shim)", () => {
  it("a real refused connection is 'unreachable'", async () => {
    const error = await refusedError();
    expect(socketFailureOf(error)).toBe("unreachable");
    expect(isUnreachable(error)).toBe(true);
  });

  it.each([
    [{ code: "ENOENT" }, "unreachable"], // a stopped node's Unix socket file is gone
    [{ code: "ENOTFOUND" }, "unreachable"],
    [{ code: "ETIMEDOUT" }, "timed-out"],
    [new Error("timeout expired"), "timed-out"], // pg.Client's connectionTimeoutMillis
    [new Error("timeout exceeded when trying to connect"), "timed-out"], // pg.Pool's
    [{ code: "ECONNRESET" }, "closed"],
    [new Error("Connection terminated unexpectedly"), "closed"],
  ])("%j: %s", (error, failure) => {
    expect(socketFailureOf(error)).toBe(failure);
    expect(isUnreachable(error)).toBe(true);
  });

  it("a failed statement is not a socket failure, and only the error itself is read", () => {
    expect(socketFailureOf({ code: "42P01", message: 'relation "x" does not exist' })).toBeUndefined();
    expect(socketFailureOf(undefined)).toBeUndefined();
    expect(isUnreachable(new Error("wrapped", { cause: { code: "ECONNREFUSED" } }))).toBe(false);
  });
});

describe("causeChain / firstErrorCode", () => {
  it("walks outermost first, stops at a non-object cause and at the limit", () => {
    const inner = { code: "ECONNREFUSED" };
    const outer = new Error("outer", { cause: new Error("middle", { cause: inner }) });
    expect(causeChain(outer).map((e) => e.message ?? e.code)).toEqual(["outer", "middle", "ECONNREFUSED"]);
    expect(causeChain(new Error("x", { cause: "text" }))).toHaveLength(1);
    expect(causeChain("text")).toEqual([]);
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(causeChain(loop)).toHaveLength(5);
    expect(causeChain(loop, 2)).toHaveLength(2);
  });

  it("finds the first code down the chain for log lines", () => {
    expect(firstErrorCode(new Error("fetch failed", { cause: { code: "ECONNREFUSED" } }))).toBe("ECONNREFUSED");
    expect(firstErrorCode(new Error("no code"))).toBeUndefined();
    expect(firstErrorCode({ code: 42 })).toBeUndefined();
  });
});
