/**
 * A file-level copy of a running primary, made consistent by PostgreSQL's low-level backup API
 * ("Making a Base Backup Using the Low Level API" in the PostgreSQL docs). The embedded binaries have
 * no pg_basebackup, and this is the documented way to do what it does.
 */
import { copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { withClient } from "./sql";

/** Directories whose contents are runtime state the replica must not inherit (the directory itself is kept). */
const EMPTIED_DIRS = new Set([
  "pg_wal",
  "pg_replslot",
  "pg_dynshmem",
  "pg_notify",
  "pg_serial",
  "pg_snapshots",
  "pg_stat_tmp",
  "pg_subtrans",
]);

/** Files in PGDATA that belong to the running primary or to an earlier backup/recovery, never to the copy. */
const SKIPPED_AT_TOP = [
  /^postmaster\.(pid|opts)$/,
  /^postgresql\.auto\.conf\.tmp$/,
  /^current_logfiles/,
  /^(backup_label|tablespace_map|standby\.signal|recovery\.signal)$/,
  /^\.s\.PGSQL\./,
];

/** Relation-cache init files and temporary files, wherever they are: rebuilt or useless on the replica. */
const SKIPPED_ANYWHERE = [/^pg_internal\.init/, /^pgsql_tmp/];

/**
 * Copies `sourceDir` (the primary's PGDATA) to `targetDir` between pg_backup_start and pg_backup_stop
 * in one session, then writes the backup_label that tells the replica where to start replaying.
 */
export async function baseBackup(
  superuserUrl: string,
  sourceDir: string,
  targetDir: string,
  label: string,
): Promise<void> {
  await withClient(superuserUrl, async (client) => {
    // fast = true: an immediate checkpoint, so the backup starts now instead of at the next scheduled one.
    await client.query("SELECT pg_backup_start($1, true)", [label]);
    let stopped = false;
    try {
      copyTree(sourceDir, targetDir, true);
      const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
        "SELECT labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)",
      );
      stopped = true;
      // Byte for byte: the replica parses it to find its starting checkpoint.
      writeFileSync(path.join(targetDir, "backup_label"), rows[0].labelfile);
      if (rows[0].spcmapfile) writeFileSync(path.join(targetDir, "tablespace_map"), rows[0].spcmapfile);
    } finally {
      // A failed copy must not leave the primary in backup mode.
      if (!stopped) await client.query("SELECT pg_backup_stop(false)").catch(() => {});
    }
  });
  mkdirSync(path.join(targetDir, "pg_wal", "archive_status"), { recursive: true });
}

function copyTree(source: string, target: string, isDataRoot: boolean): void {
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(source)) {
    if (SKIPPED_ANYWHERE.some((pattern) => pattern.test(name))) continue;
    if (isDataRoot && SKIPPED_AT_TOP.some((pattern) => pattern.test(name))) continue;
    const from = path.join(source, name);
    const to = path.join(target, name);
    // Files come and go under a running server (temp files, dropped relations); a vanished one is fine.
    ignoreVanished(() => {
      const stat = lstatSync(from);
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else if (!stat.isDirectory()) copyFileSync(from, to);
      else if (isDataRoot && EMPTIED_DIRS.has(name)) mkdirSync(to, { mode: 0o700 });
      else copyTree(from, to, false);
    });
  }
}

function ignoreVanished(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
