"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/** A header link that marks the current page (aria-current), for sighted and screen reader users alike. */
export function NavLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  const current = usePathname() === href;
  return (
    <Link href={href} className={className} aria-current={current ? "page" : undefined}>
      {children}
    </Link>
  );
}
