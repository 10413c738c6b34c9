import type { Metadata } from "next";
import Link from "next/link";
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
      <UserList />
    </main>
  );
}
