/** The writer's position and timeline right after a commit: what a consistency token is made of. */
import type pg from "pg";
import { type Lsn, parseLsn } from "~/replication/lsn";

const WRITER_POSITION_SQL = `SELECT pg_current_wal_flush_lsn()::text AS lsn,
  ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::integer AS timeline`;

export interface WriterPosition {
  lsn: Lsn;
  timeline: number;
}

export async function queryWriterPosition(pool: pg.Pool): Promise<WriterPosition> {
  const { rows } = await pool.query<{ lsn: string; timeline: number }>(WRITER_POSITION_SQL);
  return { lsn: parseLsn(rows[0].lsn), timeline: rows[0].timeline };
}
