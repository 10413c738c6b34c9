import { describe, expect, it } from "vitest";
import type { NodeStatus } from "~/cluster/status";
import { statusTable } from "~/cluster/status-table";
import { formatTable, TABLE_WIDTH } from "~/cluster/table";

const replica = (name: string, port: number): NodeStatus =>
  ({
    name,
    role: "replica",
    host: "127.0.0.1",
    port,
    url: `postgresql://127.0.0.1:${port}/tandem`,
    running: true,
    inRecovery: true,
    state: "streaming",
    syncState: "async",
    writeLagSeconds: 0.0306,
    flushLagSeconds: 0.0339,
    replayLagSeconds: 12.345,
    lagBytes: 123_456_789,
    slot: { name, active: false, retainedBytes: 123_456_789, walStatus: "reserved" },
    walReceiver: { status: "streaming", senderPort: 54320, lastMsgReceiptTime: null },
    replayPaused: true,
    timeline: 12,
  }) as NodeStatus;

const statuses: NodeStatus[] = [
  {
    name: "primary",
    role: "primary",
    host: "127.0.0.1",
    port: 54320,
    url: "",
    running: true,
    inRecovery: false,
    timeline: 12,
  } as NodeStatus,
  ...Array.from({ length: 8 }, (_, i) => replica(`replica${i + 1}`, 54321 + i)),
  {
    name: "replica9",
    role: "fenced",
    host: "127.0.0.1",
    port: 54329,
    url: "",
    running: false,
    error: "connection refused",
  },
];
const longest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

describe("db:status's table", () => {
  it("fits the terminal width on one line per node without --wide, even with long values", () => {
    const { headers, rows } = statusTable(statuses, () => "DIVERGED", { wide: false });
    const table = formatTable(headers, rows, { maxWidth: TABLE_WIDTH });
    expect(longest(table)).toBeLessThanOrEqual(TABLE_WIDTH);
    expect(table.split("\n")).toHaveLength(2 + statuses.length);
    expect(table).toMatch(
      /replica8 +replica +54328 +yes +streaming \(async\) +12345\.0 ms +117\.7 MiB +PAUSED +12 +DIVERGED/,
    );
  });

  it("shows every lag, the slot and the WAL receiver with --wide", () => {
    const { headers, rows } = statusTable(statuses, () => "yes", { wide: true });
    expect(headers).toEqual(
      expect.arrayContaining(["write lag", "flush lag", "slot (retained)", "wal receiver", "bytes behind"]),
    );
    expect(rows[1]).toEqual(
      expect.arrayContaining(["INACTIVE (123456789 B, reserved)", "streaming from :54320", "123456789"]),
    );
  });
});
