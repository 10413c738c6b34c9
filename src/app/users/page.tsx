import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { UserList } from "~/components/user-list";

export const metadata: Metadata = { title: "Users" };

export default function UsersPage() {
  return (
    <main>
      <div className="page-head">
        <h1>Users</h1>
        <Link href="/users/new" className="button primary">
          New user
        </Link>
      </div>
      <p className="lede">Newest first. Each list and page says which database node served it.</p>
      {/* The list reads its search and page from the URL, known only in the browser for a static page. */}
      <Suspense fallback={<p className="muted">Loading users…</p>}>
        <UserList />
      </Suspense>
    </main>
  );
}
