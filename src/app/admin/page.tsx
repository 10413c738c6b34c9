import type { Metadata } from "next";
import { AdminConsole } from "~/components/admin/admin-console";

// LEGACY until the admin redesign: the old hand-written rules, for this page only (see the file).
import "~/styles/legacy-admin.css";

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
