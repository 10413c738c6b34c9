import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import Link from "next/link";
import { buttonVariants } from "./button";
import { cn } from "./cn";

/** The page numbers to show: the first, the last, and the current one with a neighbour each side; "gap" where pages are left out. */
export function pageWindow(current: number, last: number): (number | "gap")[] {
  const shown = [...new Set([1, current - 1, current, current + 1, last])]
    .filter((n) => n >= 1 && n <= last)
    .sort((a, b) => a - b);
  return shown.flatMap((n, i) => (i > 0 && n - shown[i - 1] > 1 ? ["gap" as const, n] : [n]));
}

interface PaginationProps {
  page: number;
  pageCount: number;
  hrefFor: (page: number) => string;
  /** While the next page loads, its links are not followed twice. */
  busy?: boolean;
}

/** Previous, numbered pages and Next as links (so they open in a new tab, and Back works); the current page is marked aria-current. */
export function Pagination({ page, pageCount, hrefFor, busy = false }: PaginationProps) {
  const link = (target: number, label: string, content: React.ReactNode, enabled: boolean, className?: string) =>
    enabled ? (
      <Link
        href={hrefFor(target)}
        scroll={false}
        aria-label={label}
        className={cn(buttonVariants({ variant: "outline", size: "sm" }), busy && "pointer-events-none", className)}
      >
        {content}
      </Link>
    ) : (
      // biome-ignore lint/a11y/useSemanticElements: a page link that is unavailable here (the first page has no "Previous"): announced as a disabled link, not focusable
      // biome-ignore lint/a11y/useFocusableInteractive: as above, a disabled link takes no focus
      <span
        aria-disabled="true"
        role="link"
        aria-label={label}
        className={cn(buttonVariants({ variant: "outline", size: "sm" }), className)}
      >
        {content}
      </span>
    );
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2">
      {link(
        page - 1,
        "Previous page",
        <>
          <ChevronLeftIcon aria-hidden="true" /> Previous
        </>,
        page > 1,
      )}
      <ul className="flex flex-wrap items-center gap-1">
        {pageWindow(page, pageCount).map((n, i) =>
          n === "gap" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: a gap is a stateless ellipsis; where it stands is all it is
            <li key={`gap-${i}`} aria-hidden="true" className="px-2 text-muted-foreground">
              …
            </li>
          ) : (
            <li key={n}>
              <Link
                href={hrefFor(n)}
                scroll={false}
                aria-label={`Page ${n}`}
                aria-current={n === page ? "page" : undefined}
                className={cn(
                  buttonVariants({ variant: n === page ? "default" : "ghost", size: "sm" }),
                  "min-w-9 tabular-nums",
                )}
              >
                {n}
              </Link>
            </li>
          ),
        )}
      </ul>
      {link(
        page + 1,
        "Next page",
        <>
          Next <ChevronRightIcon aria-hidden="true" />
        </>,
        page < pageCount,
      )}
    </nav>
  );
}
