import type { RouterOutputs } from "~/trpc/react";

export type ServedBy = RouterOutputs["user"]["byId"]["servedBy"];

/**
 * Which database node served a read (or took a write) and why: "replica2 · replica",
 * "primary · fallback: no healthy replica (…)", "Written to primary". The full explanation is the title.
 */
export function ServedByBadge({ servedBy, kind = "read" }: { servedBy: ServedBy; kind?: "read" | "write" }) {
  const role = servedBy.node === servedBy.role ? undefined : servedBy.role;
  const reason =
    kind === "write" ? undefined : servedBy.reason === "fallback" ? `fallback: ${servedBy.detail}` : servedBy.reason === "read-your-writes" ? "read-your-writes" : undefined;
  return (
    <p className={`served-by ${servedBy.role}`} title={`${servedBy.node} (${servedBy.endpoint}): ${servedBy.detail}`}>
      <span className="served-by-label">{kind === "write" ? "Written to" : "Served by"}</span> <strong>{servedBy.node}</strong>
      {role && <> · {role}</>}
      {reason && <span className="served-by-reason"> · {reason}</span>}
    </p>
  );
}
