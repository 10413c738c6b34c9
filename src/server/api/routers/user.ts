/**
 * Users: the app's one model, and the place the read/write split shows. Reads go through `ctx.db.read`
 * (a replica when one is healthy and has replayed the client's last write) and say which node served
 * them and why; writes go through `ctx.db.write` (the primary) and return the consistency token the
 * client sends with later requests to read its own writes.
 */
import { z } from "zod";
import type { Prisma, User } from "~/generated/prisma/client";
import type { WriteResult } from "~/server/db";
import { recordNotFound } from "../errors";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** `users.id` is a PostgreSQL integer: a larger id could never exist, and would fail in the driver. */
const INT4_MAX = 2_147_483_647;

const id = z
  .number({ error: "id must be a number" })
  .int({ error: "id must be a whole number" })
  .min(1, { error: "id must be positive" })
  .max(INT4_MAX, { error: `id must be at most ${INT4_MAX}` });

/** "required" for a missing field, "must be text" for one of the wrong type. */
const text = (field: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? `${field} is required` : `${field} must be text`) });

/** Control characters (NUL above all: PostgreSQL text cannot store it) are input errors, not server errors. */
const noControlCharacters = (field: string) => [(value: string) => !/[\u0000-\u001f\u007f]/.test(value), { error: `${field} must not contain control characters` }] as const;

const name = z
  .string(text("Name"))
  .trim()
  .min(1, { error: "Name is required" })
  .max(100, { error: "Name must be at most 100 characters" })
  .refine(...noControlCharacters("Name"));

/** Trimmed and lower-cased before validation and storage, so `Ada@Example.com ` and `ada@example.com` collide. */
const email = z
  .string(text("Email"))
  .trim()
  .toLowerCase()
  .max(254, { error: "Email must be at most 254 characters" })
  .pipe(z.email({ error: "Enter a valid email address" }));

const listInput = z
  .object({
    /** Case-insensitive substring of the name or the email. */
    search: z.string(text("Search")).trim().max(100, { error: "Search must be at most 100 characters" }).refine(...noControlCharacters("Search")).optional(),
    /** The `nextCursor` of the previous page. */
    cursor: id.optional(),
    limit: z.number({ error: "limit must be a number" }).int({ error: "limit must be a whole number" }).min(1, { error: "limit must be from 1 to 100" }).max(100, { error: "limit must be from 1 to 100" }).default(20),
  })
  .prefault({});

const updateInput = z
  .object({ id, name: name.optional(), email: email.optional() })
  .refine((input) => input.name !== undefined || input.email !== undefined, { error: "Give a name or an email to change" });

/** What every mutation returns: the row, where it was written, and the token to read it back. */
function written({ data, servedBy, consistencyToken }: WriteResult<User>) {
  return { user: data, servedBy, consistencyToken };
}

/** LIKE treats % and _ as wildcards and Prisma's `contains` passes them through: "50%" must match "50%" only. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function searchFilter(search: string | undefined): Prisma.UserWhereInput {
  if (!search) return {};
  const contains = { contains: escapeLike(search), mode: "insensitive" } as const;
  return { OR: [{ name: contains }, { email: contains }] };
}

export const userRouter = createTRPCRouter({
  create: publicProcedure.input(z.object({ name, email })).mutation(async ({ ctx, input }) => {
    return written(await ctx.db.write((db) => db.user.create({ data: input })));
  }),

  /** Newest first. Ids are assigned in commit order, so "id below the cursor" pages stably while rows are added. */
  list: publicProcedure.input(listInput).query(async ({ ctx, input }) => {
    const where: Prisma.UserWhereInput = { ...searchFilter(input.search), ...(input.cursor !== undefined && { id: { lt: input.cursor } }) };
    const { data: rows, servedBy } = await ctx.db.read((db) => db.user.findMany({ where, orderBy: { id: "desc" }, take: input.limit + 1 }), {
      consistencyToken: ctx.consistencyToken,
    });
    const items = rows.slice(0, input.limit);
    return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null, servedBy };
  }),

  byId: publicProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const { data: user, servedBy } = await ctx.db.read((db) => db.user.findUnique({ where: { id: input.id } }), {
      consistencyToken: ctx.consistencyToken,
    });
    if (!user) throw recordNotFound("User");
    return { user, servedBy };
  }),

  /** A missing id fails inside Prisma (P2025), which the error middleware turns into NOT_FOUND. */
  update: publicProcedure.input(updateInput).mutation(async ({ ctx, input: { id, ...changes } }) => {
    return written(await ctx.db.write((db) => db.user.update({ where: { id }, data: changes })));
  }),

  delete: publicProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    return written(await ctx.db.write((db) => db.user.delete({ where: { id: input.id } })));
  }),
});
