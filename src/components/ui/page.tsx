import type { ComponentProps } from "react";
import { cn } from "./cn";

/** The one content width, shared by the header: the page and the nav line up on every screen. */
export const CONTAINER = "mx-auto w-full max-w-6xl px-4 sm:px-6";

/** A page's <main>: the container plus vertical rhythm. */
export function Page({ className, ...props }: ComponentProps<"main">) {
  return <main className={cn(CONTAINER, "grid gap-6 py-8 sm:py-10", className)} {...props} />;
}

/** Title, optional description and actions (a "New user" button) in one row that wraps on phones. */
export function PageHeader({
  title,
  description,
  actions,
  titleProps,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  titleProps?: ComponentProps<"h1">;
}) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="grid min-w-0 gap-1.5">
        <h1 {...titleProps} className={cn("text-3xl font-bold tracking-tight", titleProps?.className)}>
          {title}
        </h1>
        {description && <p className="max-w-prose text-muted-foreground">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}
