/**
 * The user list's query: newest first (id descending), optionally only users whose name or email
 * contains a text (case-insensitive), below an id cursor, `take` rows. What it returns is exactly what
 * the plain query (`plainUserPage`) returns, same rows in the same order; only the plan differs.
 *
 * Why not the plain query: PostgreSQL answers `… ILIKE '%t%' ORDER BY id DESC LIMIT n` by walking the
 * primary key backwards and testing every row, betting that matches are spread evenly. For a term that
 * matches nothing, or only old rows, that walk reads the whole table (0.7–2 s at a million rows). The
 * trigram indexes (migration `search_trigram_indexes`) find rare terms' rows in milliseconds, but the
 * planner keeps walking the key whenever it guesses a term is common, and fetching every match of a
 * term that is common costs more than the walk. So one statement does both, each where it pays:
 *   1. the newest PROBE_ROWS rows below the cursor are tested directly (cheap: they are in cache and the
 *      walk stops after `take` matches). A common term fills the page here;
 *   2. only when it does not, the rows older than that window are found through the trigram indexes
 *      (ordering by `id + 0` keeps the planner off the key walk), and the page is the union's newest.
 * Either way every matching row below the cursor is considered, and nothing caps what a search finds.
 * The cost of step 1 is fixed (PROBE_ROWS rows tested, ~2 ms). The cost of step 2 grows with the number
 * of matches older than the window; it is highest for a term whose matches are just too sparse to fill a
 * page from the window (about `take`/PROBE_ROWS of the rows, 1%): ten thousand matches at a million rows.
 * A larger window moves that point down and makes every rare term pay more in step 1 (README, Benchmarks).
 *
 * Trigram indexes need three consecutive letters or digits in the term to narrow anything down; for a
 * shorter term the plain query runs (a one- or two-character search matches most rows, and the walk
 * stops early; one that matches almost nothing reads the table, which the README lists as a limit).
 */
import { Prisma, type User } from "~/generated/prisma/client";
import type { ReadClient } from "~/server/db";
import type { UserSort } from "~/validation/user-input";

export interface UserPageQuery {
  /** Case-insensitive substring of the name or the email; empty or undefined for every user. */
  search?: string;
  /** Only ids below this one (the previous page's last id); newest first only. */
  cursor?: number;
  /** Newest first when absent. */
  sort?: UserSort;
  /** Rows to skip (page numbers); with another sort than newest, or an offset, the plain query runs. */
  offset?: number;
  /** How many rows at most. */
  take: number;
}

/** Rows tested directly before the trigram indexes are asked (step 1 above); see the README for the measurements that chose it. */
export const PROBE_ROWS = 2000;

/** Above every int4 id: "no cursor" as a bound the same statement can use. */
const NO_CURSOR = 2 ** 31;

/** LIKE treats % and _ as wildcards and Prisma's `contains` passes them through: "50%" must match "50%" only. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** pg_trgm takes trigrams from runs of letters and digits; without a run of three, its index narrows nothing. */
export function narrowedByTrigrams(search: string): boolean {
  return /[\p{L}\p{N}]{3}/u.test(search);
}

export function findUserPage(db: ReadClient, query: UserPageQuery, probeRows = PROBE_ROWS): Promise<User[]> {
  const keyset = (query.sort ?? "newest") === "newest" && !query.offset;
  if (!keyset || !query.search || !narrowedByTrigrams(query.search)) return plainUserPage(db, query);
  const pattern = `%${escapeLike(query.search)}%`;
  const below = query.cursor ?? NO_CURSOR;
  return db.$queryRaw<User[]>(Prisma.sql`
    WITH recent_matches AS MATERIALIZED (
      SELECT id, name, email, created_at
      FROM (SELECT id, name, email, created_at FROM users WHERE id < ${below}::int8 ORDER BY id DESC LIMIT ${probeRows}::int8) recent
      WHERE name ILIKE ${pattern} OR email ILIKE ${pattern}
      ORDER BY id DESC LIMIT ${query.take}::int8
    )
    SELECT id, name, email, created_at AS "createdAt" FROM (
      SELECT * FROM recent_matches
      UNION ALL
      SELECT * FROM (
        SELECT id, name, email, created_at FROM users
        WHERE (name ILIKE ${pattern} OR email ILIKE ${pattern})
          -- Below the window: under its oldest id (none when fewer rows than the window lie below the cursor).
          AND id < coalesce((SELECT id FROM users WHERE id < ${below}::int8 ORDER BY id DESC OFFSET ${probeRows - 1}::int8 LIMIT 1), 0)
        ORDER BY id + 0 DESC LIMIT ${query.take}::int8
      ) older
      -- Outside the LIMIT above, so it gates the whole branch: when the window filled the page, nothing
      -- below runs, not even the start of a parallel plan.
      WHERE (SELECT count(*) FROM recent_matches) < ${query.take}::int8
    ) page
    ORDER BY id DESC LIMIT ${query.take}::int8`);
}

const ORDER: Record<UserSort, Prisma.UserOrderByWithRelationInput[]> = {
  newest: [{ id: "desc" }],
  oldest: [{ id: "asc" }],
  name: [{ name: "asc" }, { id: "asc" }],
  "name-desc": [{ name: "desc" }, { id: "desc" }],
};

/** Users whose name or email contains `search` (every user without one). */
function matching(search: string | undefined): Prisma.UserWhereInput {
  const contains = search ? ({ contains: escapeLike(search), mode: "insensitive" } as const) : undefined;
  return contains ? { OR: [{ name: contains }, { email: contains }] } : {};
}

/** The reference: what Prisma sends for the same page (any sort, cursor or offset). The strategy's tests compare against it. */
export function plainUserPage(
  db: ReadClient,
  { search, cursor, sort = "newest", offset, take }: UserPageQuery,
): Promise<User[]> {
  const where: Prisma.UserWhereInput = { ...matching(search), ...(cursor !== undefined && { id: { lt: cursor } }) };
  return db.user.findMany({ where, orderBy: ORDER[sort], skip: offset, take });
}

/** How many users the search matches: the list's total, for its page numbers. */
export function countUsers(db: ReadClient, search: string | undefined): Promise<number> {
  return db.user.count({ where: matching(search) });
}
