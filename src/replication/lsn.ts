/**
 * PostgreSQL WAL positions ("LSNs", printed as `16/B374D848`): a 64-bit byte offset in the WAL.
 * Replication lag in bytes and read-your-writes both come down to comparing two of them.
 */
const LSN_PATTERN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

export type Lsn = bigint;

export function parseLsn(text: string): Lsn {
  const match = LSN_PATTERN.exec(text.trim());
  if (!match) throw new Error(`Not a WAL position: "${text}"`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

export function isLsn(text: string): boolean {
  return LSN_PATTERN.test(text.trim());
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Bytes from `behind` to `ahead`, never negative (a replica cannot be ahead of its primary's sample for long). */
export function bytesBetween(ahead: Lsn, behind: Lsn): number {
  return ahead > behind ? Number(ahead - behind) : 0;
}
