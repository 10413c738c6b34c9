/**
 * `db:status`'s table: which columns it shows, and how each cell reads a node's status. The default
 * set fits TABLE_WIDTH (what an operator scans for: is each node up, streaming, behind, paused, on
 * the primary's timeline); `--wide` adds the rest (every lag, the slot, the WAL receiver).
 */

import { formatBytes, secondsAsMs } from "../format/units";
import type { NodeStatus } from "./status";

/** Whether each replica follows the primary's timeline, as the cell says it ("yes", "DIVERGED"…). */
export type FollowsCell = (name: string) => string;

interface Column {
  header: string;
  /** Shown without --wide too. */
  narrow: boolean;
  /** Shown with --wide. */
  wide: boolean;
  cell: (s: NodeStatus, follows: FollowsCell) => string;
}

const both = { narrow: true, wide: true };
const wideOnly = { narrow: false, wide: true };
const narrowOnly = { narrow: true, wide: false };
const dash = (value: string | number | null | undefined) => (value == null ? "-" : String(value));

const COLUMNS: Column[] = [
  { header: "node", ...both, cell: (s) => s.name },
  { header: "role", ...both, cell: (s) => s.role },
  { header: "port", ...both, cell: (s) => String(s.port) },
  { header: "up", ...narrowOnly, cell: (s) => (s.running ? "yes" : "NO") },
  { header: "running", ...wideOnly, cell: (s) => (s.running ? "yes" : "NO") },
  { header: "recovery", ...wideOnly, cell: (s) => (s.inRecovery === undefined ? "-" : s.inRecovery ? "yes" : "no") },
  {
    header: "state",
    ...narrowOnly,
    cell: (s) => (s.state ? `${s.state}${s.syncState ? ` (${s.syncState})` : ""}` : "-"),
  },
  { header: "state", ...wideOnly, cell: (s) => dash(s.state) },
  { header: "sync", ...wideOnly, cell: (s) => dash(s.syncState) },
  { header: "write lag", ...wideOnly, cell: (s) => secondsAsMs(s.writeLagSeconds) },
  { header: "flush lag", ...wideOnly, cell: (s) => secondsAsMs(s.flushLagSeconds) },
  { header: "replay lag", ...both, cell: (s) => secondsAsMs(s.replayLagSeconds) },
  { header: "behind", ...narrowOnly, cell: (s) => (s.lagBytes == null ? "-" : formatBytes(s.lagBytes)) },
  { header: "bytes behind", ...wideOnly, cell: (s) => dash(s.lagBytes) },
  {
    header: "slot (retained)",
    ...wideOnly,
    cell: (s) =>
      s.slot
        ? `${s.slot.active ? "active" : "INACTIVE"} (${s.slot.retainedBytes ?? "-"} B, ${s.slot.walStatus ?? "-"})`
        : "-",
  },
  {
    header: "wal receiver",
    ...wideOnly,
    cell: (s) => (s.walReceiver ? `${s.walReceiver.status} from :${s.walReceiver.senderPort}` : "-"),
  },
  {
    header: "replay",
    ...both,
    cell: (s) => (s.replayPaused === undefined ? "-" : s.replayPaused ? "PAUSED" : "running"),
  },
  { header: "timeline", ...both, cell: (s) => dash(s.timeline) },
  { header: "follows", ...both, cell: (s, follows) => follows(s.name) },
];

export function statusTable(
  statuses: NodeStatus[],
  follows: FollowsCell,
  { wide }: { wide: boolean },
): { headers: string[]; rows: string[][] } {
  const columns = COLUMNS.filter((c) => (wide ? c.wide : c.narrow));
  return { headers: columns.map((c) => c.header), rows: statuses.map((s) => columns.map((c) => c.cell(s, follows))) };
}
