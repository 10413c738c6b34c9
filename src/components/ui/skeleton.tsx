import type { ComponentProps } from "react";
import { cn } from "./cn";

/** A grey block the size of what is loading, so the page does not jump when it arrives. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-muted", className)} {...props} />;
}
