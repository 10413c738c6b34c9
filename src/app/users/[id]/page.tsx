import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Page } from "~/components/ui/page";
import { UserDetail } from "~/components/user-detail";

export const metadata: Metadata = { title: "User" };

const INT4_MAX = 2_147_483_647;

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(id) || id < 1 || id > INT4_MAX) notFound();
  return (
    <Page>
      <div className="max-w-3xl">
        <UserDetail id={id} />
      </div>
    </Page>
  );
}
