import type { RouterOutputs } from "~/trpc/react";
import { cn } from "./ui/cn";

export type ServedBy = RouterOutputs["user"]["byId"]["servedBy"];

/** How the badge words each reason a read went where it did; a plain replica read needs no words. */
const READ_REASON_WORDS: Partial<Record<ServedBy["reason"], (detail: string) => string>> = {
  fallback: (detail) => `fallback: ${detail}`,
  "read-your-writes": () => "read-your-writes",
  "primary-requested": () => "primary requested",
  "primary-only-token": () => "your last write's position is unknown: read from the primary",
  "write-lost": (detail) => detail,
  "token-ahead": (detail) => detail,
  "write-unverifiable": (detail) => detail,
};

/**
 * Which database node served a read (or took a write) and why: "replica2 · replica",
 * "primary · fallback: no healthy replica (…)", "Written to primary". The full explanation is the title.
 */
export function ServedByBadge({ servedBy, kind = "read" }: { servedBy: ServedBy; kind?: "read" | "write" }) {
  const role = servedBy.node === servedBy.role ? undefined : servedBy.role;
  const reason = kind === "write" ? undefined : READ_REASON_WORDS[servedBy.reason]?.(servedBy.detail);
  return (
    <p
      className="inline-flex max-w-full cursor-help flex-wrap items-center gap-x-1 rounded-full border bg-background px-3 py-0.5 text-sm [overflow-wrap:anywhere]"
      title={`${servedBy.node} (${servedBy.endpoint}): ${servedBy.detail}`}
    >
      {/* The node's role as a coloured dot: the writer blue, a replica teal (as on the home page). */}
      <span
        aria-hidden="true"
        className={cn("mr-0.5 size-2 flex-none rounded-full", servedBy.role === "primary" ? "bg-writer" : "bg-replica")}
      />
      <span className="text-muted-foreground">{kind === "write" ? "Written to" : "Served by"}</span>{" "}
      <strong>{servedBy.node}</strong>
      {role && <> · {role}</>}
      {reason && <span className="text-muted-foreground"> · {reason}</span>}
    </p>
  );
}
