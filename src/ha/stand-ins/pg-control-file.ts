/**
 * Reads `global/pg_control` (PostgreSQL 16's ControlFileData, pg_control version 1300, x86-64 / aarch64
 * alignment) into the lines `pg_controldata` prints. Patroni runs pg_controldata to learn a data
 * directory's state, system identifier and timelines; the embedded binaries do not include it.
 * Only the fields Patroni reads are decoded; offsets follow src/include/catalog/pg_control.h.
 */
import { formatLsn } from "~/replication/lsn";

export const PG_CONTROL_VERSION = 1300;

/** DBState, in enum order. */
const CLUSTER_STATES = [
  "starting up",
  "shut down",
  "shut down in recovery",
  "shutting down",
  "in crash recovery",
  "in archive recovery",
  "in production",
];
const WAL_LEVELS = ["minimal", "replica", "logical"];

/** Byte offsets in ControlFileData (with its embedded CheckPoint at 40), 8-byte alignment for 64-bit fields. */
const AT = {
  systemIdentifier: 0,
  controlVersion: 8,
  catalogVersion: 12,
  state: 16,
  time: 24,
  checkPoint: 32,
  redo: 40,
  timeline: 48,
  prevTimeline: 52,
  fullPageWrites: 56,
  nextXid: 64,
  nextOid: 72,
  checkpointTime: 104,
  minRecoveryPoint: 136,
  minRecoveryPointTli: 144,
  backupStartPoint: 152,
  backupEndPoint: 160,
  backupEndRequired: 168,
  walLevel: 172,
  walLogHints: 176,
  maxConnections: 180,
  maxWorkerProcesses: 184,
  maxWalSenders: 188,
  maxPreparedXacts: 192,
  maxLocksPerXact: 196,
  trackCommitTimestamp: 200,
  blcksz: 216,
  xlogSegSize: 228,
  dataChecksumVersion: 252,
} as const;

/** `name: value` pairs as pg_controldata prints them (Patroni splits each line at its first colon). */
export function describeControlFile(buffer: Buffer): [string, string][] {
  const u32 = (at: number) => buffer.readUInt32LE(at);
  const i32 = (at: number) => buffer.readInt32LE(at);
  const lsn = (at: number) => formatLsn(buffer.readBigUInt64LE(at));
  const bool = (at: number) => (buffer[at] ? "on" : "off");
  const time = (at: number) => cTime(new Date(Number(buffer.readBigInt64LE(at)) * 1000));
  const version = u32(AT.controlVersion);
  if (version !== PG_CONTROL_VERSION)
    throw new Error(`pg_control version ${version} is not ${PG_CONTROL_VERSION} (PostgreSQL 13–16)`);
  const nextXid = buffer.readBigUInt64LE(AT.nextXid);
  return [
    ["pg_control version number", String(version)],
    ["Catalog version number", String(u32(AT.catalogVersion))],
    ["Database system identifier", buffer.readBigUInt64LE(AT.systemIdentifier).toString()],
    ["Database cluster state", CLUSTER_STATES[u32(AT.state)] ?? "unrecognized status code"],
    ["pg_control last modified", time(AT.time)],
    ["Latest checkpoint location", lsn(AT.checkPoint)],
    ["Latest checkpoint's REDO location", lsn(AT.redo)],
    ["Latest checkpoint's TimeLineID", String(u32(AT.timeline))],
    ["Latest checkpoint's PrevTimeLineID", String(u32(AT.prevTimeline))],
    ["Latest checkpoint's full_page_writes", bool(AT.fullPageWrites)],
    ["Latest checkpoint's NextXID", `${nextXid >> 32n}:${nextXid & 0xffffffffn}`],
    ["Latest checkpoint's NextOID", String(u32(AT.nextOid))],
    ["Time of latest checkpoint", time(AT.checkpointTime)],
    ["Minimum recovery ending location", lsn(AT.minRecoveryPoint)],
    ["Min recovery ending loc's timeline", String(u32(AT.minRecoveryPointTli))],
    ["Backup start location", lsn(AT.backupStartPoint)],
    ["Backup end location", lsn(AT.backupEndPoint)],
    ["End-of-backup record required", buffer[AT.backupEndRequired] ? "yes" : "no"],
    ["wal_level setting", WAL_LEVELS[i32(AT.walLevel)] ?? "unrecognized wal_level"],
    ["wal_log_hints setting", bool(AT.walLogHints)],
    ["max_connections setting", String(i32(AT.maxConnections))],
    ["max_worker_processes setting", String(i32(AT.maxWorkerProcesses))],
    ["max_wal_senders setting", String(i32(AT.maxWalSenders))],
    ["max_prepared_xacts setting", String(i32(AT.maxPreparedXacts))],
    ["max_locks_per_xact setting", String(i32(AT.maxLocksPerXact))],
    ["track_commit_timestamp setting", bool(AT.trackCommitTimestamp)],
    ["Database block size", String(u32(AT.blcksz))],
    ["Bytes per WAL segment", String(u32(AT.xlogSegSize))],
    ["Data page checksum version", String(u32(AT.dataChecksumVersion))],
  ];
}

/** strftime's "%c" in the C locale, local time, as pg_controldata prints times: "Wed Dec  2 14:52:44 2026". */
export function cTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  const [day, month] = [d.toLocaleString("en-US", { weekday: "short" }), d.toLocaleString("en-US", { month: "short" })];
  return `${day} ${month} ${String(d.getDate()).padStart(2, " ")} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** The text pg_controldata prints: names padded to one column. */
export function formatControlData(fields: [string, string][]): string {
  return `${fields.map(([name, value]) => `${`${name}:`.padEnd(38)}${value}`).join("\n")}\n`;
}
