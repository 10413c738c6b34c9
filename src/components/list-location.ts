"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { id, search } from "~/validation/user-input";

/**
 * Where the user list is, kept in the URL so a reload, a shared link and the Back button all land on
 * the same search and page: `/users?q=ada&after=120,98` is the results for "ada", third page.
 *
 * Pages are keyset cursors, and going back a page needs the previous cursor, so `after` holds the
 * trail of cursors of every page before this one. Anything unreadable or out of range is dropped (no
 * search, or the first page), never an error: a hand-edited URL still shows the list.
 */
export interface ListLocation {
  search: string;
  /** trail[i] is the cursor that opens page i + 2; empty on the first page. */
  trail: number[];
}

export function parseListLocation(params: URLSearchParams): ListLocation {
  // Checked with the API's own rules (a search it would refuse, an id beyond PostgreSQL's integers):
  // what it would answer with BAD_REQUEST is dropped here instead.
  const q = search.safeParse(params.get("q") ?? "");
  const parts = params.get("after")?.split(",") ?? [];
  const cursors = parts.map((part) => (/^\d+$/.test(part) ? id.safeParse(Number(part)) : undefined));
  const trail = cursors.every((cursor) => cursor?.success) ? cursors.map((cursor) => cursor?.data as number) : [];
  return { search: q.success ? q.data : "", trail };
}

export function listHref(pathname: string, { search, trail }: ListLocation): string {
  const params = new URLSearchParams();
  if (search) params.set("q", search);
  if (trail.length > 0) params.set("after", trail.join(","));
  const query = params.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** The list's location from the URL, and a way to move it (a history entry each, so Back works). */
export function useListLocation(): [ListLocation, (next: ListLocation) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const location = parseListLocation(new URLSearchParams(params.toString()));
  return [location, (next) => router.push(listHref(pathname, next), { scroll: false })];
}
