import type { Metadata } from "next";
import { AdminConsole } from "~/components/admin/admin-console";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <main className="admin-main">
      <h1>Replication admin</h1>
      <p className="lede">Each node&rsquo;s role, health and lag as the data layer sees it, with the levers of the embedded cluster.</p>
      <AdminConsole />
    </main>
  );
}
