import { describe, expect, it } from "vitest";
import { destructiveStatements } from "~/schema-engine/revert/destructive-statements";

describe("destructiveStatements", () => {
  it("finds what Prisma's down SQL destroys: tables, schemas, truncations, columns and type changes", () => {
    const sql = `-- DropTable
DROP TABLE "public"."posts";
DROP TABLE IF EXISTS a, ONLY b.c *;
DROP SCHEMA IF EXISTS "Reports";
TRUNCATE TABLE "logs";
-- AlterTable
ALTER TABLE IF EXISTS "users" DROP COLUMN "bio", DROP IF EXISTS age, ALTER COLUMN "name" SET DATA TYPE VARCHAR(10), ALTER "email" TYPE text;`;
    expect(destructiveStatements(sql)).toEqual([
      { kind: "drop-table", table: ["public", "posts"] },
      { kind: "drop-table", table: ["a"] },
      { kind: "drop-table", table: ["b", "c"] },
      { kind: "drop-schema", schema: "Reports" },
      { kind: "truncate", table: ["logs"] },
      { kind: "drop-column", table: ["users"], column: "bio" },
      { kind: "drop-column", table: ["users"], column: "age" },
      { kind: "change-type", table: ["users"], column: "name" },
      { kind: "change-type", table: ["users"], column: "email" },
    ]);
  });

  it("leaves out what keeps the data: constraints, defaults, indexes, new objects, and text in comments or literals", () => {
    const sql = `ALTER TABLE "users" DROP CONSTRAINT "users_pkey", ALTER COLUMN "name" SET DEFAULT 'DROP TABLE x', ADD COLUMN "bio" TEXT;
DROP INDEX "users_email_key";
CREATE TABLE "t" ("id" SERIAL);
-- DROP TABLE "users";
/* TRUNCATE users */
-- This is an empty migration.`;
    expect(destructiveStatements(sql)).toEqual([]);
  });

  it("is not fooled by a column or table named like a keyword when quoted", () => {
    expect(destructiveStatements('ALTER TABLE "drop" DROP COLUMN "column";')).toEqual([
      { kind: "drop-column", table: ["drop"], column: "column" },
    ]);
  });
});
