"use client";

import { memo, useId } from "react";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { formatRate } from "~/format/units";

export interface ReadsRow {
  node: string;
  readsPerSecond: number;
}

/**
 * Where reads go right now: reads per second on each node, as bars, and in a sentence for screen readers.
 * A handful of bars redrawn every second: plain elements, not a chart library (no measuring, no layout pass).
 */
export const ReadsPanel = memo(function ReadsPanel({ rows }: { rows: ReadsRow[] }) {
  const id = useId();
  const summary = `Reads per second now: ${rows.map((r) => `${r.node} ${formatRate(r.readsPerSecond)}`).join(", ")}.`;
  const highest = Math.max(...rows.map((r) => r.readsPerSecond), 1);
  return (
    <Card aria-labelledby={`${id}-title`}>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle id={`${id}-title`}>Reads per node</CardTitle>
          <CardDescription>
            Where reads go right now, per second over the last second; the writer serves reads only when no replica can.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <div className="grid gap-3" role="img" aria-label={summary}>
          {rows.map((row) => (
            <div key={row.node} className="grid grid-cols-[5.5rem_1fr_4.5rem] items-center gap-3 text-sm">
              <span className="truncate text-muted-foreground">{row.node}</span>
              <span className="h-5 rounded-r bg-muted">
                <span
                  className="block h-full rounded-r bg-replica"
                  style={{ width: `${(row.readsPerSecond / highest) * 100}%` }}
                />
              </span>
              <span className="text-right tabular-nums">{formatRate(row.readsPerSecond)}</span>
            </div>
          ))}
        </div>
      </CardContent>
    </Card>
  );
});
