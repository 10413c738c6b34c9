/** How the cluster manager's tables write durations and sizes. */

/** A byte count in binary units ("0 B", "12.5 MiB"), short enough for a narrow column. */
export function bytes(count: number): string {
  let value = count;
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}
