import { PlusIcon } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { Button } from "~/components/ui/button";
import { Page, PageHeader } from "~/components/ui/page";
import { UserList, UserListSkeleton } from "~/components/user-list";

export const metadata: Metadata = { title: "Users" };

export default function UsersPage() {
  return (
    <Page>
      <PageHeader
        title="Users"
        description="Each list and page says which database node served it."
        actions={
          <Button asChild>
            <Link href="/users/new">
              <PlusIcon aria-hidden="true" /> New user
            </Link>
          </Button>
        }
      />
      {/* The list reads its search, sort and page from the URL, known only in the browser for a static page. */}
      <Suspense fallback={<UserListSkeleton />}>
        <UserList />
      </Suspense>
    </Page>
  );
}
