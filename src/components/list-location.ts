import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { search, sort, type UserSort } from "~/validation/user-input";

/**
 * Where the user list is, kept in the URL so a reload, a shared link and the Back button all land on
 * the same search, order and page: `/users?q=ada&sort=name&page=3` is the results for "ada" by name,
 * third page. The defaults (no search, newest first, page 1) are left out of the URL.
 *
 * Anything unreadable or out of range is dropped (no search, newest first, or the first page), never an
 * error: a hand-edited URL still shows the list.
 */
export interface ListLocation {
  search: string;
  sort: UserSort;
  /** 1-based. */
  page: number;
}

/** Far beyond any real list, and small enough that (page - 1) × page size stays a PostgreSQL integer. */
export const MAX_PAGE = 1_000_000;

export const FIRST_PAGE: ListLocation = { search: "", sort: "newest", page: 1 };

export function parseListLocation(params: URLSearchParams): ListLocation {
  // Checked with the API's own rules (a search it would refuse): what it would answer with BAD_REQUEST
  // is dropped here instead.
  const q = search.safeParse(params.get("q") ?? "");
  const order = sort.safeParse(params.get("sort") ?? "newest");
  const rawPage = params.get("page") ?? "1";
  const page = /^\d{1,7}$/.test(rawPage) ? Number(rawPage) : 1;
  return {
    search: q.success ? q.data : "",
    sort: order.success ? order.data : "newest",
    page: page >= 1 && page <= MAX_PAGE ? page : 1,
  };
}

export function listHref(pathname: string, { search, sort, page }: ListLocation): string {
  const params = new URLSearchParams();
  if (search) params.set("q", search);
  if (sort !== "newest") params.set("sort", sort);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** The list's location from the URL, and a way to move it (a history entry each, so Back works). */
export function useListLocation(): [ListLocation, (next: ListLocation) => void, (next: ListLocation) => string] {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const location = parseListLocation(new URLSearchParams(params.toString()));
  return [
    location,
    (next) => router.push(listHref(pathname, next), { scroll: false }),
    (next) => listHref(pathname, next),
  ];
}
