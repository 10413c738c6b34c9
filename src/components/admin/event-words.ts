/**
 * The event log's entries in words: what happened, about which node, from the event's data (the server
 * records kinds and details, never sentences; ~/server/db/node-events.ts).
 */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";
import type { Tone } from "./node-condition";

export type OpsEventView = inferRouterOutputs<AppRouter>["replication"]["events"]["events"][number];

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/** A short label for the kind (a badge, with its tone) and one sentence saying what happened. */
export function eventWords(event: OpsEventView): { label: string; tone: Tone; sentence: string } {
  const { node, details } = event;
  const at = text(details.endpoint) ? ` (${details.endpoint})` : "";
  switch (event.kind) {
    case "node-lost":
      return { label: "Node lost", tone: "danger", sentence: `${node}${at} stopped answering.` };
    case "node-back":
      return { label: "Node back", tone: "ok", sentence: `${node}${at} answers again.` };
    case "writer-moved": {
      const timeline = typeof details.timeline === "number" ? ` on timeline ${details.timeline}` : "";
      const from = text(details.from);
      return {
        label: "Writer",
        tone: "info",
        sentence: from ? `Writes moved from ${from} to ${node}${timeline}.` : `Writes go to ${node}${timeline}.`,
      };
    }
    case "no-writer":
      return {
        label: "No writer",
        tone: "danger",
        sentence: `No node accepts writes: ${text(details.reason) ?? "none is reachable"}.`,
      };
    case "diverged":
      return {
        label: "Diverged",
        tone: "danger",
        sentence: `${node} diverged from the writer's history and serves no reads: ${text(details.detail) ?? "it cannot follow"}.`,
      };
    case "stale-primary":
      return {
        label: "Stale primary",
        tone: "warn",
        sentence: `${node} still accepts writes on an older timeline; it gets neither writes nor reads.`,
      };
    case "conflicting-primary":
      return {
        label: "Two writers",
        tone: "danger",
        sentence: `${node} accepts writes on the writer's timeline too: ${text(details.detail) ?? "writes are refused"}.`,
      };
    case "promote": {
      const from = text(details.from);
      return {
        label: "Promote",
        tone: "info",
        sentence: from
          ? `${node} was promoted from this page; ${from} was fenced.`
          : `${node} was promoted from this page.`,
      };
    }
    case "pause":
      return { label: "Pause", tone: "warn", sentence: `Replay on ${node} was paused from this page.` };
    case "resume":
      return { label: "Resume", tone: "ok", sentence: `Replay on ${node} was resumed from this page.` };
  }
}
