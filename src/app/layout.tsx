import type { Metadata } from "next";
import type { ReactNode } from "react";
import { NavLink } from "~/components/nav-link";
import { CONTAINER } from "~/components/ui/page";
import { Toaster } from "~/components/ui/toaster";
import { TooltipProvider } from "~/components/ui/tooltip";
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
      <body className="min-h-dvh antialiased">
        <a
          className="absolute left-2 -top-12 z-50 rounded-md border bg-card px-3 py-2 text-sm font-semibold focus:top-2"
          href="#content"
        >
          Skip to content
        </a>
        <header className="border-b bg-card">
          <nav aria-label="Main" className={`${CONTAINER} flex flex-wrap items-center gap-x-1 gap-y-1 py-2`}>
            <NavLink href="/" brand>
              Tandem
            </NavLink>
            <NavLink href="/users">Users</NavLink>
            <NavLink href="/users/new">New user</NavLink>
            <NavLink href="/admin">Admin</NavLink>
          </nav>
        </header>
        <TRPCReactProvider>
          <TooltipProvider delayDuration={300}>
            <div id="content">{children}</div>
            <Toaster />
          </TooltipProvider>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
