import type { Metadata } from "next";
import Link from "next/link";
import { CreateUser } from "~/components/create-user";

export const metadata: Metadata = { title: "New user" };

export default function NewUserPage() {
  return (
    <main>
      <p className="breadcrumb">
        <Link href="/users">← All users</Link>
      </p>
      <h1>New user</h1>
      <p className="lede">The user is written to the primary; its page then reads it back from a replica that has replayed the write.</p>
      <section className="card" aria-label="New user form">
        <CreateUser />
      </section>
    </main>
  );
}
