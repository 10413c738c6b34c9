"use client";

import dynamic from "next/dynamic";
import { useId } from "react";
import { formatRate } from "~/format/units";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import type { ReadsRow } from "./reads-chart";

const ChartPlaceholder = () => <p className="flex h-full items-center text-sm text-muted-foreground">Loading the chart…</p>;
// recharts loads after sign-in, in its own chunk, never on the server (it measures the DOM).
const ReadsChart = dynamic(() => import("./reads-chart"), { ssr: false, loading: ChartPlaceholder });

/** Where reads go right now: reads per second on each node, as bars, and in a sentence for screen readers. */
export function ReadsPanel({ rows }: { rows: ReadsRow[] }) {
  const id = useId();
  const summary = `Reads per second now: ${rows.map((r) => `${r.node} ${formatRate(r.readsPerSecond)}`).join(", ")}.`;
  return (
    <Card aria-labelledby={`${id}-title`}>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle id={`${id}-title`}>Reads per node</CardTitle>
          <CardDescription>Where reads go right now, per second over the last second; the writer serves reads only when no replica can.</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <div className="h-48" role="img" aria-label={summary}>
          <ReadsChart rows={rows} />
        </div>
      </CardContent>
    </Card>
  );
}
