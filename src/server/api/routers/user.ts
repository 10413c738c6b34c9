/**
 * Users: the app's one model, and the place the read/write split shows. Reads go through `ctx.db.read`
 * (a replica when one is healthy and has replayed the client's last write) and say which node served
 * them and why; writes go through `ctx.db.write` (the primary) and return the consistency token the
 * client sends with later requests to read its own writes.
 */
import { z } from "zod";
import type { User } from "~/generated/prisma/client";
import type { WriteResult } from "~/server/db";
import { countUsers, findUserPage } from "~/server/search/users";
import { email, id, listInput, name, updateInput } from "~/validation/user-input";
import { recordNotFound } from "../errors";
import { userPageOutput, userReadOutput, writtenOutput } from "../output-schemas";
import { createTRPCRouter, publicProcedure } from "../trpc";

/** What every mutation returns: the row, where it was written, and the token to read it back. */
function written({ data, servedBy, consistencyToken }: WriteResult<User>) {
  return { user: data, servedBy, consistencyToken };
}

export const userRouter = createTRPCRouter({
  create: publicProcedure
    .meta({
      rest: { method: "POST", path: "/users", status: 201, body: "user", tags: ["users"], summary: "Create a user" },
    })
    .input(z.object({ name, email }))
    .output(writtenOutput)
    .mutation(async ({ ctx, input }) => {
      return written(await ctx.db.write((db) => db.user.create({ data: input })));
    }),

  /**
   * Newest first by default. Ids are assigned in commit order, so "id below the cursor" pages stably while
   * rows are added; another sort, or page numbers, page by offset. The total comes from the same node as
   * the page (one read), so the two agree and both include the client's own writes.
   */
  list: publicProcedure
    .meta({
      rest: {
        method: "GET",
        path: "/users",
        body: "items",
        tags: ["users"],
        summary: "List users, newest first or sorted",
        description:
          'One page (`limit`, default 20), newest first or in the order `sort` names (newest, oldest, name, name-desc). Page with `cursor` (newest first) or `offset`; the next page\'s URL is in the `Link` header (rel="next") either way, and `X-Total-Count` says how many users match. `search` matches the name or the email, case-insensitively.',
      },
    })
    .input(listInput)
    .output(userPageOutput)
    .query(async ({ ctx, input }) => {
      const page = {
        search: input.search,
        sort: input.sort,
        cursor: input.cursor,
        offset: input.offset,
        take: input.limit + 1,
      };
      const { data, servedBy } = await ctx.db.read((db) =>
        Promise.all([findUserPage(db, page), countUsers(db, input.search)]),
      );
      const [rows, total] = data;
      const items = rows.slice(0, input.limit);
      const more = rows.length > input.limit;
      const byOffset = input.offset !== undefined || input.sort !== "newest";
      return {
        items,
        nextCursor: more && !byOffset ? (items.at(-1)?.id ?? null) : null,
        nextOffset: more && byOffset ? (input.offset ?? 0) + input.limit : null,
        total,
        servedBy,
      };
    }),

  byId: publicProcedure
    .meta({ rest: { method: "GET", path: "/users/{id}", body: "user", tags: ["users"], summary: "Get a user" } })
    .input(z.object({ id }))
    .output(userReadOutput)
    .query(async ({ ctx, input }) => {
      const { data: user, servedBy } = await ctx.db.read((db) => db.user.findUnique({ where: { id: input.id } }));
      if (!user) throw recordNotFound("User", servedBy);
      return { user, servedBy };
    }),

  /** A missing id fails inside Prisma (P2025), which the error middleware turns into NOT_FOUND. */
  update: publicProcedure
    .meta({
      rest: {
        method: "PATCH",
        path: "/users/{id}",
        body: "user",
        tags: ["users"],
        summary: "Change a user's name or email",
      },
    })
    .input(updateInput)
    .output(writtenOutput)
    .mutation(async ({ ctx, input: { id, ...changes } }) => {
      return written(await ctx.db.write((db) => db.user.update({ where: { id }, data: changes })));
    }),

  delete: publicProcedure
    .meta({
      rest: {
        method: "DELETE",
        path: "/users/{id}",
        body: "user",
        tags: ["users"],
        summary: "Delete a user",
        description: "Answers with the deleted user.",
      },
    })
    .input(z.object({ id }))
    .output(writtenOutput)
    .mutation(async ({ ctx, input }) => {
      return written(await ctx.db.write((db) => db.user.delete({ where: { id: input.id } })));
    }),
});
