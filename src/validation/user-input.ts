/**
 * What a valid user input is, in one place: the user router validates requests with these schemas, and
 * pages that build requests from URLs (the user list's search and page) check with them first. Only zod:
 * safe to import in browser code.
 */
import { z } from "zod";

// In the browser, zod would probe once with `Function("")` whether it may compile validators; the pages'
// Content-Security-Policy (no 'unsafe-eval') blocks that and the browser reports a CSP violation. Jitless
// validation is all a page needs; the server keeps zod's compiled validators.
if (typeof window !== "undefined") z.config({ jitless: true });

/** `users.id` is a PostgreSQL integer: a larger id could never exist, and would fail in the driver. */
export const INT4_MAX = 2_147_483_647;

export const id = z
  .number({ error: "id must be a number" })
  .int({ error: "id must be a whole number" })
  .min(1, { error: "id must be positive" })
  .max(INT4_MAX, { error: `id must be at most ${INT4_MAX}` });

/** "required" for a missing field, "must be text" for one of the wrong type. */
const text = (field: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? `${field} is required` : `${field} must be text`),
});

/**
 * Control characters (C0 with NUL, which PostgreSQL text cannot store, DEL and C1), text-direction
 * overrides and isolates (they make a name display as something else) and lone surrogates (not text;
 * PostgreSQL would store a replacement character instead) are input errors, not server errors.
 */
const noControlCharacters = (field: string) =>
  [
    (value: string) => !/[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u.test(value),
    { error: `${field} must not contain control characters` },
  ] as const;

/**
 * Something that shows, judged by Unicode category: at least one letter, number, punctuation mark or
 * symbol that is not default-ignorable (the property for characters rendered as nothing: zero-width
 * spaces, U+180E, tag characters, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, which are
 * letters by category). U+2800 (a blank Braille pattern, a symbol) is the one blank symbol named here.
 * Spaces, marks on nothing, and format characters alone make an invisible name.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;
const visible = (value: string) => VISIBLE.test(value);

export const name = z
  .string(text("Name"))
  .trim()
  .min(1, { error: "Name is required", abort: true }) // once: the visibility check below would say it again
  .max(100, { error: "Name must be at most 100 characters" })
  .refine(visible, { error: "Name is required" })
  .refine(...noControlCharacters("Name"));

/** Trimmed and lower-cased before validation and storage, so `Ada@Example.com ` and `ada@example.com` collide. */
export const email = z
  .string(text("Email"))
  .trim()
  .toLowerCase()
  .max(254, { error: "Email must be at most 254 characters" })
  .pipe(z.email({ error: "Enter a valid email address" }));

/** Case-insensitive substring of the name or the email. */
export const search = z
  .string(text("Search"))
  .trim()
  .max(100, { error: "Search must be at most 100 characters" })
  .refine(...noControlCharacters("Search"));

/** The list's orders: by creation (ids are assigned in insert order), or by name (ties by id). */
export const USER_SORTS = ["newest", "oldest", "name", "name-desc"] as const;
export type UserSort = (typeof USER_SORTS)[number];
export const sort = z.enum(USER_SORTS, { error: `sort must be one of ${USER_SORTS.join(", ")}` });

/** Rows skipped before the page: page numbers (offset = (page - 1) × limit). */
export const offset = z
  .number({ error: "offset must be a number" })
  .int({ error: "offset must be a whole number" })
  .min(0, { error: "offset must not be negative" })
  .max(INT4_MAX, { error: `offset must be at most ${INT4_MAX}` });

export const listInput = z
  .object({
    search: search.optional(),
    sort: sort.default("newest"),
    /** The `nextCursor` of the previous page (newest first only). */
    cursor: id.optional(),
    offset: offset.optional(),
    limit: z
      .number({ error: "limit must be a number" })
      .int({ error: "limit must be a whole number" })
      .min(1, { error: "limit must be from 1 to 100" })
      .max(100, { error: "limit must be from 1 to 100" })
      .default(20),
  })
  .refine((input) => input.cursor === undefined || input.offset === undefined, {
    error: "Give a cursor or an offset, not both",
    path: ["cursor"],
  })
  .refine((input) => input.cursor === undefined || input.sort === "newest", {
    error: "cursor pages newest first only; use offset with another sort",
    path: ["cursor"],
  })
  .prefault({});

export const updateInput = z
  .object({ id, name: name.optional(), email: email.optional() })
  .refine((input) => input.name !== undefined || input.email !== undefined, {
    error: "Give a name or an email to change",
  });
