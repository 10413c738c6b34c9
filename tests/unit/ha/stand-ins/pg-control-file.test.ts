import { describe, expect, it } from "vitest";
import { cTime, describeControlFile, formatControlData, PG_CONTROL_VERSION } from "~/ha/stand-ins/pg-control-file";

/** A pg_control image with the fields Patroni reads set (offsets of PostgreSQL 16's ControlFileData). */
function controlFile(fields: {
  state: number;
  timeline: number;
  checkpoint: bigint;
  minRecovery: bigint;
  minRecoveryTli: number;
  systemId: bigint;
}): Buffer {
  const b = Buffer.alloc(8192);
  b.writeBigUInt64LE(fields.systemId, 0);
  b.writeUInt32LE(PG_CONTROL_VERSION, 8);
  b.writeUInt32LE(fields.state, 16);
  b.writeBigUInt64LE(fields.checkpoint, 32);
  b.writeBigUInt64LE(fields.checkpoint - 40n, 40);
  b.writeUInt32LE(fields.timeline, 48);
  b.writeBigUInt64LE(fields.minRecovery, 136);
  b.writeUInt32LE(fields.minRecoveryTli, 144);
  b.writeInt32LE(1, 172); // wal_level replica
  b.writeInt32LE(100, 180); // max_connections
  b.writeInt32LE(10, 188); // max_wal_senders
  return b;
}

describe("the pg_controldata stand-in", () => {
  it("prints what Patroni reads, in pg_controldata's names and formats", () => {
    const fields = new Map(
      describeControlFile(
        controlFile({
          state: 5,
          timeline: 3,
          checkpoint: 0x1_0000_0028n,
          minRecovery: 0x3_00a0_0000n,
          minRecoveryTli: 2,
          systemId: 7_580_123_456_789_012_345n,
        }),
      ),
    );
    expect(fields.get("Database system identifier")).toBe("7580123456789012345");
    expect(fields.get("Database cluster state")).toBe("in archive recovery");
    expect(fields.get("Latest checkpoint location")).toBe("1/28");
    expect(fields.get("Latest checkpoint's REDO location")).toBe("1/0");
    expect(fields.get("Latest checkpoint's TimeLineID")).toBe("3");
    expect(fields.get("Minimum recovery ending location")).toBe("3/A00000");
    expect(fields.get("Min recovery ending loc's timeline")).toBe("2");
    expect(fields.get("wal_level setting")).toBe("replica");
    expect(fields.get("max_connections setting")).toBe("100");
    expect(fields.get("max_wal_senders setting")).toBe("10");
  });

  it("names every cluster state as PostgreSQL does", () => {
    const states = [0, 1, 2, 3, 4, 5, 6].map((state) =>
      new Map(
        describeControlFile(
          controlFile({ state, timeline: 1, checkpoint: 64n, minRecovery: 0n, minRecoveryTli: 0, systemId: 1n }),
        ),
      ).get("Database cluster state"),
    );
    expect(states).toEqual([
      "starting up",
      "shut down",
      "shut down in recovery",
      "shutting down",
      "in crash recovery",
      "in archive recovery",
      "in production",
    ]);
  });

  it("refuses a pg_control of another layout instead of misreading it", () => {
    const other = controlFile({
      state: 6,
      timeline: 1,
      checkpoint: 64n,
      minRecovery: 0n,
      minRecoveryTli: 0,
      systemId: 1n,
    });
    other.writeUInt32LE(1700, 8);
    expect(() => describeControlFile(other)).toThrow(/pg_control version 1700/);
  });

  it("formats lines that split at their first colon into name and value, as Patroni parses them", () => {
    const text = formatControlData([
      ["Latest checkpoint's TimeLineID", "4"],
      ["Database cluster state", "in production"],
    ]);
    const parsed = Object.fromEntries(
      text
        .trim()
        .split("\n")
        .map((line) =>
          line
            .split(/:(.*)/s)
            .slice(0, 2)
            .map((s) => s.trim()),
        ),
    );
    expect(parsed).toEqual({ "Latest checkpoint's TimeLineID": "4", "Database cluster state": "in production" });
  });

  it("prints times as pg_controldata does (strftime %c, C locale)", () => {
    expect(cTime(new Date(2026, 11, 2, 14, 52, 44))).toBe("Wed Dec  2 14:52:44 2026");
    expect(cTime(new Date(2026, 0, 15, 3, 4, 5))).toBe("Thu Jan 15 03:04:05 2026");
  });
});
