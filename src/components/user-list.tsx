"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import {
  ArrowDownIcon,
  ArrowUpIcon,
  ChevronsUpDownIcon,
  PlusIcon,
  SearchIcon,
  SearchXIcon,
  UsersIcon,
} from "lucide-react";
import Link from "next/link";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import type { UserSort } from "~/validation/user-input";
import { errorMessage, retryUnlessClientError } from "./api-error";
import { FormError } from "./form-error";
import { type ListLocation, MAX_PAGE, useListLocation } from "./list-location";
import { ServedByBadge } from "./served-by";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { Input, Label } from "./ui/input";
import { Pagination } from "./ui/pagination";
import { Skeleton } from "./ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "./ui/table";

const PAGE_SIZE = 10;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const count = new Intl.NumberFormat("en");

/**
 * Users in a table: a search box, sortable Name and Created columns, the total, and page numbers. The
 * search, the order and the page live in the URL (./list-location.ts), so reloading, sharing the link
 * and Back/Forward keep them.
 */
export function UserList() {
  const trpc = useTRPC();
  const [location, go, hrefOf] = useListLocation();
  const { search, sort, page } = location;
  const [draft, setDraft] = useState(search);
  // Back/Forward change the search under the box: show the one the list is for.
  useEffect(() => setDraft(search), [search]);

  const list = useQuery({
    ...trpc.user.list.queryOptions({
      search: search || undefined,
      sort,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });

  function submitSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    go({ search: draft.trim(), sort, page: 1 });
  }

  const clearSearch = () => {
    setDraft("");
    go({ search: "", sort, page: 1 });
  };

  return (
    <div className="grid gap-4">
      {/* biome-ignore lint/a11y/useSemanticElements: the form is the search landmark itself; a <search> wrapper would only add an element */}
      <form className="grid max-w-xl gap-2" role="search" onSubmit={submitSearch}>
        <Label htmlFor="user-search">Search users</Label>
        <div className="flex flex-wrap gap-2">
          <Input
            id="user-search"
            type="search"
            placeholder="Name or email"
            className="min-w-48 flex-1"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <Button type="submit" variant="secondary">
            <SearchIcon aria-hidden="true" /> Search
          </Button>
          {search && (
            <Button variant="ghost" onClick={clearSearch}>
              Clear
            </Button>
          )}
        </div>
      </form>

      {list.isPending ? (
        <UserListSkeleton rowsOnly />
      ) : list.isError ? (
        <FormError>{errorMessage(list.error)}</FormError>
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
            <p className="text-sm text-muted-foreground" role="status">
              {statusLine(location, list.data.total, list.isPlaceholderData)}
            </p>
            <ServedByBadge servedBy={list.data.servedBy} />
          </div>
          {list.data.items.length === 0 ? (
            <EmptyState location={location} total={list.data.total} onClearSearch={clearSearch} hrefOf={hrefOf} />
          ) : (
            <div className="rounded-lg border bg-card">
              <Table
                aria-label="Users"
                aria-busy={list.isFetching || undefined}
                className={cn(list.isPlaceholderData && "opacity-60")}
              >
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <SortableHead label="Name" column="name" location={location} hrefOf={hrefOf} />
                    <TableHead className="hidden md:table-cell">Email</TableHead>
                    <SortableHead
                      label="Created"
                      column="created"
                      location={location}
                      hrefOf={hrefOf}
                      className="text-right"
                    />
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {list.data.items.map((user) => (
                    <TableRow key={user.id}>
                      <TableCell className="max-w-0 w-1/2 md:w-1/3">
                        <Link
                          href={`/users/${user.id}`}
                          className="font-semibold text-primary [overflow-wrap:anywhere] hover:underline"
                        >
                          {user.name}
                        </Link>
                        {/* On phones the email goes under the name instead of a column of its own. */}
                        <span className="block text-muted-foreground [overflow-wrap:anywhere] md:hidden">
                          {user.email}
                        </span>
                      </TableCell>
                      <TableCell className="hidden text-muted-foreground [overflow-wrap:anywhere] md:table-cell">
                        {user.email}
                      </TableCell>
                      <TableCell className="whitespace-nowrap text-right text-muted-foreground">
                        <time dateTime={user.createdAt.toISOString()}>{dateFormat.format(user.createdAt)}</time>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
          {list.data.total > PAGE_SIZE && (
            <Pagination
              page={page}
              pageCount={pageCount(list.data.total)}
              hrefFor={(n) => hrefOf({ ...location, page: n })}
              busy={list.isPlaceholderData}
            />
          )}
        </>
      )}
    </div>
  );
}

const pageCount = (total: number) => Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PAGE_SIZE)));

/** "Page 2 of 5 · 43 users", "12 users match “ada”", "Loading page 3…". */
function statusLine({ search, page }: ListLocation, total: number, loading: boolean): string {
  if (loading) return `Loading page ${page}…`;
  const users = `${count.format(total)} ${total === 1 ? "user" : "users"}`;
  const what = search ? `${users} ${total === 1 ? "matches" : "match"} “${search}”` : users;
  return total > PAGE_SIZE ? `Page ${page} of ${count.format(pageCount(total))} · ${what}` : what;
}

type Column = "name" | "created";
const SORT_WORDS: Record<UserSort, string> = {
  newest: "newest first",
  oldest: "oldest first",
  name: "by name, A to Z",
  "name-desc": "by name, Z to A",
};
const ORDERS: Record<Column, [ascending: UserSort, descending: UserSort, first: UserSort]> = {
  name: ["name", "name-desc", "name"],
  created: ["oldest", "newest", "newest"],
};

/**
 * A column header that sorts: a link to the same list in this column's order (the other direction when
 * it is already sorted by it), with aria-sort saying the current order to screen readers.
 */
function SortableHead({
  label,
  column,
  location,
  hrefOf,
  className,
}: {
  label: string;
  column: Column;
  location: ListLocation;
  hrefOf: (next: ListLocation) => string;
  className?: string;
}) {
  const [ascending, descending, first] = ORDERS[column];
  const direction = location.sort === ascending ? "ascending" : location.sort === descending ? "descending" : undefined;
  const next = direction === undefined ? first : direction === "ascending" ? descending : ascending;
  const Icon =
    direction === "ascending" ? ArrowUpIcon : direction === "descending" ? ArrowDownIcon : ChevronsUpDownIcon;
  return (
    <TableHead aria-sort={direction ?? "none"} className={className}>
      <Link
        href={hrefOf({ ...location, sort: next, page: 1 })}
        scroll={false}
        className={cn(
          "inline-flex items-center gap-1 rounded-sm hover:text-foreground",
          direction && "text-foreground",
        )}
      >
        {label} <Icon className="size-4" aria-hidden="true" />
        <span className="sr-only">{` (sort ${SORT_WORDS[next]})`}</span>
      </Link>
    </TableHead>
  );
}

/** Nothing to show: say why, and offer the way out (clear the search, create a user, go to the last page). */
function EmptyState({
  location,
  total,
  onClearSearch,
  hrefOf,
}: {
  location: ListLocation;
  total: number;
  onClearSearch: () => void;
  hrefOf: (next: ListLocation) => string;
}) {
  const newUser = (
    <Button asChild>
      <Link href="/users/new">
        <PlusIcon aria-hidden="true" /> New user
      </Link>
    </Button>
  );
  if (total > 0) {
    const last = pageCount(total);
    return (
      <Empty
        icon={<UsersIcon />}
        title={`There is no page ${location.page}`}
        text={`The list has ${last} ${last === 1 ? "page" : "pages"}.`}
      >
        <Button asChild variant="outline">
          <Link href={hrefOf({ ...location, page: last })}>Go to page {last}</Link>
        </Button>
      </Empty>
    );
  }
  if (location.search) {
    return (
      <Empty
        icon={<SearchXIcon />}
        title={`No users match “${location.search}”.`}
        text="Search looks in names and emails, ignoring case."
      >
        <Button variant="outline" onClick={onClearSearch}>
          Clear the search
        </Button>
        {newUser}
      </Empty>
    );
  }
  return (
    <Empty
      icon={<UsersIcon />}
      title="No users yet."
      text="Create one: it is written to the primary and read back from a replica."
    >
      {newUser}
    </Empty>
  );
}

function Empty({ icon, title, text, children }: { icon: ReactNode; title: string; text: string; children: ReactNode }) {
  return (
    <div className="grid justify-items-center gap-3 rounded-lg border border-dashed bg-card px-6 py-12 text-center">
      <span className="text-muted-foreground [&_svg]:size-8" aria-hidden="true">
        {icon}
      </span>
      <h2 className="text-lg font-semibold">{title}</h2>
      <p className="max-w-prose text-sm text-muted-foreground">{text}</p>
      <div className="flex flex-wrap justify-center gap-2">{children}</div>
    </div>
  );
}

/** The list's shape while it loads: the search box, the meta line and a page of rows (rowsOnly: below the box). */
export function UserListSkeleton({ rowsOnly = false }: { rowsOnly?: boolean }) {
  return (
    <div className="grid gap-4">
      <p className="sr-only" role="status">
        Loading users…
      </p>
      {!rowsOnly && <Skeleton className="h-[4.25rem] w-full max-w-xl" />}
      <div className="flex justify-between">
        <Skeleton className="h-5 w-48" />
        <Skeleton className="h-6 w-56 rounded-full" />
      </div>
      <div className="grid gap-2 rounded-lg border bg-card p-3">
        {Array.from({ length: PAGE_SIZE }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows, identical and stateless
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </div>
    </div>
  );
}
