import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NavLink } from "~/components/nav-link";
import { TRPCReactProvider } from "~/trpc/react";

import "~/styles/globals.css";

// Every page renders per request: its scripts carry the request's CSP nonce (src/proxy.ts), which a page
// rendered at build time could not know.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Tandem", template: "%s · Tandem" },
  description: "A reference app for PostgreSQL read/write splitting with Next.js, tRPC and Prisma",
  icons: [{ rel: "icon", url: "/favicon.svg", type: "image/svg+xml" }],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main" className="site-nav">
            <NavLink href="/" className="brand">
              Tandem
            </NavLink>
            <NavLink href="/users">Users</NavLink>
            <NavLink href="/users/new">New user</NavLink>
            <NavLink href="/admin">Admin</NavLink>
          </nav>
        </header>
        <TRPCReactProvider>
          <div id="content">{children}</div>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
