"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorMessage, retryUnlessClientError } from "./api-error";
import { useListLocation } from "./list-location";
import { ServedByBadge } from "./served-by";
import { Skeleton } from "./ui/skeleton";

const PAGE_SIZE = 10;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/**
 * Users, newest first, with a search box and cursor pagination. The search and the page live in the URL
 * (./list-location.ts), so reloading, sharing the link and Back/Forward keep them.
 */
export function UserList() {
  const trpc = useTRPC();
  const [{ search, trail }, go] = useListLocation();
  const [draft, setDraft] = useState(search);
  // Back/Forward change the search under the box: show the one the list is for.
  useEffect(() => setDraft(search), [search]);
  const page = trail.length;
  const cursor = trail.at(-1);

  const list = useQuery({
    ...trpc.user.list.queryOptions({ search: search || undefined, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });

  function submitSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    go({ search: draft.trim(), trail: [] });
  }

  function clearSearch() {
    setDraft("");
    go({ search: "", trail: [] });
  }

  const nextCursor = list.data?.nextCursor ?? null;

  return (
    <>
      <form className="search" role="search" onSubmit={submitSearch}>
        <label htmlFor="user-search">Search users</label>
        <div className="search-row">
          <input id="user-search" type="search" placeholder="Name or email" value={draft} onChange={(event) => setDraft(event.target.value)} />
          <button type="submit" className="button">
            Search
          </button>
          {search && (
            <button type="button" className="button subtle" onClick={clearSearch}>
              Clear
            </button>
          )}
        </div>
      </form>

      {list.isPending ? (
        <p className="muted" role="status">
          Loading users…
        </p>
      ) : list.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(list.error)}
        </p>
      ) : (
        <>
          <div className="list-meta">
            <p className="muted" role="status">
              {list.data.items.length === 0
                ? search
                  ? `No users match “${search}”.`
                  : "No users yet."
                : list.isPlaceholderData
                  ? `Loading page ${page + 1}…`
                  : `Page ${page + 1}${search ? ` of results for “${search}”` : ""}`}
            </p>
            <ServedByBadge servedBy={list.data.servedBy} />
          </div>
          {list.data.items.length > 0 && (
            <ul className="users" aria-label="Users" aria-busy={list.isFetching || undefined}>
              {list.data.items.map((user) => (
                <li key={user.id} className="user-row">
                  <Link href={`/users/${user.id}`} className="user-name">
                    {user.name}
                  </Link>
                  <span className="user-email">{user.email}</span>
                  <time className="user-created" dateTime={user.createdAt.toISOString()}>
                    {dateFormat.format(user.createdAt)}
                  </time>
                </li>
              ))}
            </ul>
          )}
          <nav className="pager" aria-label="Pages">
            <button type="button" className="button" disabled={page === 0} onClick={() => go({ search, trail: trail.slice(0, -1) })}>
              Previous page
            </button>
            <button type="button" className="button" disabled={nextCursor === null || list.isPlaceholderData} onClick={() => nextCursor !== null && go({ search, trail: [...trail, nextCursor] })}>
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}

/** The list's shape while it loads: the search box, the meta line and a page of rows. */
export function UserListSkeleton() {
  return (
    <div className="grid gap-4">
      <p className="sr-only" role="status">
        Loading users…
      </p>
      <Skeleton className="h-10 w-full max-w-xl" />
      <Skeleton className="h-6 w-64" />
      <div className="grid gap-2 rounded-lg border bg-card p-3">
        {Array.from({ length: 10 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
