import type { Metadata } from "next";
import { AdminConsole } from "~/components/admin/admin-console";
import { Page, PageHeader } from "~/components/ui/page";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <Page>
      <PageHeader
        title="Replication admin"
        description="Each node's role, health and lag as the data layer sees it, with the levers of the embedded cluster."
      />
      <AdminConsole />
    </Page>
  );
}
