import type { Metadata } from "next";
import Link from "next/link";
import { CreateUser } from "~/components/create-user";
import { Card, CardContent } from "~/components/ui/card";
import { Page, PageHeader } from "~/components/ui/page";

export const metadata: Metadata = { title: "New user" };

export default function NewUserPage() {
  return (
    <Page>
      <div className="grid max-w-2xl gap-6">
        <p>
          <Link href="/users" className="text-sm font-medium text-primary hover:underline">
            ← All users
          </Link>
        </p>
        <PageHeader
          title="New user"
          description="The user is written to the primary; its page then reads it back from a replica that has replayed the write."
        />
        <Card aria-label="New user form" className="pt-5">
          <CardContent>
            <CreateUser />
          </CardContent>
        </Card>
      </div>
    </Page>
  );
}
