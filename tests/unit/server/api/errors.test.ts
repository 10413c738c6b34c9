/** The pure parts of the API: error translation and formatting, request headers, the admin token. */
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Prisma } from "~/generated/prisma/client";
import { adminTokenMatches } from "~/server/api/admin-token";
import { formatError, INTERNAL_ERROR_MESSAGE, translateError } from "~/server/api/errors";
import { bearerTokenFrom, consistencyTokenFrom } from "~/server/api/request-headers";
import { DatabaseUnavailableError } from "~/server/db/data-layer/data-layer";

const internal = (cause: unknown) => new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });
const prismaError = (code: string, meta: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError("Invalid `prisma.user.create()` invocation: SELECT secret FROM users", {
    code,
    clientVersion: "7",
    meta,
  });

describe("translateError", () => {
  it("turns a unique violation on users.email into CONFLICT with a sentence", () => {
    const cause = prismaError("P2002", {
      modelName: "User",
      driverAdapterError: { cause: { kind: "UniqueConstraintViolation", constraint: { index: "users_email_key" } } },
    });
    expect(translateError(internal(cause))).toMatchObject({
      code: "CONFLICT",
      message: "A user with this email already exists",
    });
  });

  it("gives other unique violations a generic conflict message", () => {
    expect(translateError(internal(prismaError("P2002", {})))).toMatchObject({
      code: "CONFLICT",
      message: "This would duplicate a value that must be unique",
    });
  });

  it("turns a missing record (P2025) into NOT_FOUND named after the model", () => {
    expect(translateError(internal(prismaError("P2025", { modelName: "User", operation: "an update" })))).toMatchObject(
      { code: "NOT_FOUND", message: "User not found" },
    );
  });

  it("turns an unreachable database into SERVICE_UNAVAILABLE without the driver's message", () => {
    const cause = new DatabaseUnavailableError(
      "primary",
      "10.0.0.5:5432",
      Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" }),
    );
    const translated = translateError(internal(cause));
    expect(translated.code).toBe("SERVICE_UNAVAILABLE");
    expect(translated.message).not.toMatch(/ECONNREFUSED|10\.0\.0\.5/);
    expect(translateError(internal(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).code).toBe(
      "SERVICE_UNAVAILABLE",
    );
  });

  it("rewords input errors, keeping the zod error as the cause", () => {
    const zodError = z
      .object({ email: z.email({ error: "Enter a valid email address" }) })
      .safeParse({ email: "x" }).error;
    const translated = translateError(new TRPCError({ code: "BAD_REQUEST", cause: zodError }));
    expect(translated).toMatchObject({
      code: "BAD_REQUEST",
      message: "Invalid input: email: Enter a valid email address",
    });
    expect(translated.cause).toBe(zodError);
  });

  it("leaves deliberate errors and unknown failures alone", () => {
    const deliberate = new TRPCError({ code: "UNAUTHORIZED", message: "no" });
    expect(translateError(deliberate)).toBe(deliberate);
    const unknown = internal(new Error('relation "users" does not exist'));
    expect(translateError(unknown)).toBe(unknown);
    expect(translateError(internal(prismaError("P2003", {}))).code).toBe("INTERNAL_SERVER_ERROR");
  });
});

describe("formatError", () => {
  const shape = (message: string) => ({
    message,
    code: -32603,
    data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500, path: "user.create", stack: "Error: x\n    at y.ts:1" },
  });

  it("replaces the message of an unexpected error and drops every stack", () => {
    const formatted = formatError(shape("duplicate key value violates unique constraint"), internal(new Error("raw")));
    expect(formatted.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(formatted.data).not.toHaveProperty("stack");
    expect(formatted.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", httpStatus: 500, path: "user.create" });
  });

  it("adds zod's field and form errors to input errors", () => {
    const zodError = z
      .object({ name: z.string().min(1, { error: "Name is required" }) })
      .refine(() => false, { error: "Nothing to change" })
      .safeParse({ name: "" }).error;
    const formatted = formatError(
      { ...shape("Invalid input"), data: { ...shape("").data, code: "BAD_REQUEST", httpStatus: 400 } },
      new TRPCError({ code: "BAD_REQUEST", cause: zodError }),
    );
    expect(formatted.message).toBe("Invalid input");
    expect(formatted.data.fieldErrors).toEqual({ name: ["Name is required"] });
  });
});

describe("request headers", () => {
  it.each(["0/3000148", "16/B374D848", " 0/0 "])("accepts the WAL position %j as a consistency token", (token) => {
    expect(consistencyTokenFrom(new Headers({ "x-consistency-token": token }))).toBe(token.trim());
  });

  it("treats a missing or blank token as none", () => {
    expect(consistencyTokenFrom(new Headers())).toBeUndefined();
    expect(consistencyTokenFrom(new Headers({ "x-consistency-token": " " }))).toBeUndefined();
  });

  it.each(["3000148", "0/", "0/3000148/1", "G/1", "0/123456789", "0/1 OR 1=1"])(
    "refuses %j with BAD_REQUEST",
    (token) => {
      expect(() => consistencyTokenFrom(new Headers({ "x-consistency-token": token }))).toThrow(
        expect.objectContaining({ code: "BAD_REQUEST" }),
      );
    },
  );

  it.each([
    ["Bearer abc", "abc"],
    ["bearer  abc ", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    ["abc", undefined],
  ])("reads the bearer token of %j", (header, token) => {
    expect(bearerTokenFrom(new Headers({ authorization: header }))).toBe(token);
  });
});

describe("adminTokenMatches", () => {
  it("matches only the exact token, whatever the lengths", () => {
    const token = "0123456789abcdef0123456789abcdef";
    expect(adminTokenMatches(token, token)).toBe(true);
    for (const other of ["", token.slice(0, -1), `${token}0`, token.toUpperCase(), "x"])
      expect(adminTokenMatches(other, token)).toBe(false);
  });
});
