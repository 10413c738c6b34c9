/**
 * What the user procedures return, as zod schemas: tRPC checks every answer against them, and the REST
 * API's OpenAPI document (src/server/rest/openapi.ts) describes its bodies and headers from them, so the
 * document cannot drift from what the procedures send.
 */
import { z } from "zod";
import { SERVED_REASONS } from "~/server/db/data-layer/data-layer";
import { id } from "~/validation/user-input";

export const userOutput = z
  .object({
    id,
    name: z.string(),
    email: z.string().meta({ format: "email" }),
    createdAt: z.date().meta({ description: "When the user was created (ISO 8601 over REST)" }),
  })
  .meta({ id: "User" });

export const servedByOutput = z
  .object({
    node: z.string().meta({ description: "The node that answered, e.g. replica1" }),
    endpoint: z.string().meta({ description: "Its host and port" }),
    role: z.enum(["replica", "primary"]),
    reason: z.enum(SERVED_REASONS).meta({
      description:
        "replica: a healthy replica, round robin; read-your-writes: a replica that has replayed your last write; fallback: the primary, no replica could; " +
        "primary-requested: the read asked for the primary; primary-only-token: your last write's position is unknown, so the primary; " +
        "write-lost: your last write was lost in a failover (the primary's answer is the truth now); token-ahead: your token is ahead of the primary; " +
        "write-unverifiable: your last write predates a failover and cannot be checked; write: a write, on the primary",
    }),
    detail: z.string().meta({ description: "Why this node, in a sentence" }),
    waitedMs: z.number().meta({ description: "Time spent waiting for a replica to replay your last write" }),
    hedged: z
      .boolean()
      .meta({ description: "The read was slow on its first node and was also sent to this one, which answered first" }),
  })
  .meta({ id: "ServedBy" });

export const consistencyTokenOutput = z.string().meta({
  description:
    "The write's timeline and the primary's WAL position after the commit (timeline:LSN; `…:primary` when the position could not be read, " +
    "so reads that carry it go to the primary): send it as x-consistency-token to read this write back",
  example: "2:0/3000148",
});

/** A mutation's answer: the row, where it was written, and the token to read it back. */
export const writtenOutput = z.object({
  user: userOutput,
  servedBy: servedByOutput,
  consistencyToken: consistencyTokenOutput,
});

export const userReadOutput = z.object({ user: userOutput, servedBy: servedByOutput });

export const userPageOutput = z.object({
  items: z.array(userOutput),
  nextCursor: id
    .nullable()
    .meta({ description: "The cursor of the next page, or null on the last page (and when paging by offset)" }),
  nextOffset: z.number().int().nonnegative().nullable().meta({
    description:
      "The offset of the next page when paging by offset, or null on the last page (and when paging by cursor)",
  }),
  total: z
    .number()
    .int()
    .nonnegative()
    .meta({ description: "How many users match the search (all users without one)" }),
  servedBy: servedByOutput,
});
