import type { Metadata } from "next";
import type { ReactNode } from "react";

import "~/styles/globals.css";

export const metadata: Metadata = {
  title: "Tandem",
  description: "A reference app for PostgreSQL read/write splitting with Next.js, tRPC and Prisma",
  icons: [{ rel: "icon", url: "/favicon.svg", type: "image/svg+xml" }],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
