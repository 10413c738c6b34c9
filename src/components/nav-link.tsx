"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "./ui/cn";

/** A header link that marks the current page (aria-current), for sighted and screen reader users alike. */
export function NavLink({ href, children, brand = false }: { href: string; children: ReactNode; brand?: boolean }) {
  const current = usePathname() === href;
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={cn(
        "rounded-md px-3 py-2 text-sm font-medium text-foreground hover:bg-accent",
        brand && "mr-auto pl-0 text-base font-bold hover:bg-transparent hover:text-primary",
        current && !brand && "bg-accent text-primary underline decoration-2 underline-offset-[0.45em]",
      )}
    >
      {children}
    </Link>
  );
}
