"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatRate } from "~/format/units";

export interface ReadsRow {
  node: string;
  readsPerSecond: number;
}

const axisTick = { fill: "var(--muted-foreground)", fontSize: 13 };

export default function ReadsChart({ rows }: { rows: ReadsRow[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
        <CartesianGrid stroke="var(--border)" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tickFormatter={(v: number) => formatRate(v)} tick={axisTick} stroke="var(--border)" />
        <YAxis type="category" dataKey="node" width={88} tick={axisTick} stroke="var(--border)" />
        <Tooltip
          cursor={{ fill: "var(--muted)" }}
          isAnimationActive={false}
          content={({ active, payload }) =>
            active && payload?.[0] ? (
              <div className="rounded-md border bg-popover px-3 py-2 text-sm text-popover-foreground shadow-md">
                <strong>{(payload[0].payload as ReadsRow).node}</strong> {formatRate((payload[0].payload as ReadsRow).readsPerSecond)}
              </div>
            ) : null
          }
        />
        <Bar dataKey="readsPerSecond" name="Reads/s" fill="var(--replica)" isAnimationActive={false} radius={[0, 4, 4, 0]} />
      </BarChart>
    </ResponsiveContainer>
  );
}
