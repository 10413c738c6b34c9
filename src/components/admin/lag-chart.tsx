"use client";

/**
 * The recharts part of the lag chart, loaded on its own (next/dynamic in lag-panel.tsx) so recharts is
 * downloaded only once an admin has signed in, and never by the other pages.
 */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { chartRows, formatLag, type LagSeries, lagValue, type Measure, STATE_WORDS, yTicks } from "./lag-series";

/** Colour and dash per series: told apart by line style as well as by colour (CSS variables, so dark mode follows). */
const SERIES_STYLES = [
  { stroke: "var(--replica)", strokeDasharray: undefined },
  { stroke: "var(--info)", strokeDasharray: "6 3" },
  { stroke: "var(--warn)", strokeDasharray: "2 3" },
  { stroke: "var(--writer)", strokeDasharray: "10 3 2 3" },
];

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const clockWithSeconds = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** A tick on every whole minute of the window, labelled with the clock time. */
function minuteTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  for (let t = Math.ceil(from / 60_000) * 60_000; t <= to; t += 60_000) ticks.push(t);
  return ticks;
}

const axisTick = { fill: "var(--muted-foreground)", fontSize: 13 };

export interface LagChartProps {
  series: LagSeries;
  measure: Measure;
  /** The chart's accessible name: what it shows, in a sentence. */
  summary: string;
}

export default function LagChart({ series, measure, summary }: LagChartProps) {
  const to = series.now;
  const from = to - series.windowMs;
  const limit = measure === "time" ? series.maxLagMs : undefined;
  const rows = chartRows(series, measure);
  const highest = Math.max(...rows.flatMap((row) => series.replicas.map(({ node }) => row[node] ?? 0)), 0);
  // Never blow a calm chart's noise up to full height: the scale reaches past the routing limit (time) or 1 KiB (bytes).
  const ticks = yTicks(Math.max(highest, limit === undefined ? 1024 : limit * 1.25), measure);
  return (
    <div className="flex h-full flex-col gap-2">
      <div className="min-h-0 flex-1">
        <ResponsiveContainer width="100%" height="100%">
          {/* role="img" with the summary as its name; recharts' accessibility layer keeps it focusable, and the
          arrow keys then step the tooltip through the samples. */}
          <LineChart
            data={rows}
            margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
            role="img"
            aria-label={summary}
            accessibilityLayer
          >
            <CartesianGrid stroke="var(--border)" vertical={false} />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={minuteTicks(from, to)}
              tickFormatter={(at: number) => clock.format(at)}
              allowDataOverflow
              tick={axisTick}
              stroke="var(--border)"
            />
            <YAxis
              width={72}
              domain={[0, ticks.at(-1) as number]}
              ticks={ticks}
              tickFormatter={(value: number) => formatLag(value, measure)}
              tick={axisTick}
              stroke="var(--border)"
            />
            {/* The limit is named in the key under the chart, not on the line, where a label meets the axis ticks. */}
            {limit !== undefined && <ReferenceLine y={limit} stroke="var(--danger)" strokeDasharray="4 4" />}
            <Tooltip
              content={({ active, label }) => (
                <LagTooltip active={active} label={label} series={series} measure={measure} />
              )}
              isAnimationActive={false}
            />
            <Legend iconType="plainline" wrapperStyle={{ fontSize: "0.875rem", paddingTop: 4 }} />
            {series.replicas.map(({ node }, i) => (
              <Line
                key={node}
                dataKey={node}
                name={node}
                type="linear"
                dot={false}
                strokeWidth={2}
                {...SERIES_STYLES[i % SERIES_STYLES.length]}
                // Redrawn every second: an animation would restart each time and look like flicker.
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {limit !== undefined && (
        <p className="flex items-center gap-2 text-sm text-muted-foreground">
          <svg width="24" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="24" y2="4" stroke="var(--danger)" strokeWidth="2" strokeDasharray="4 4" />
          </svg>
          routing limit {formatLag(limit, measure)}
        </p>
      )}
    </div>
  );
}

/** The time, then each replica's lag and state at that sample, in words (never colour alone). */
function LagTooltip({
  active,
  label,
  series,
  measure,
}: {
  active?: boolean;
  label?: unknown;
  series: LagSeries;
  measure: Measure;
}) {
  if (!active || typeof label !== "number") return null;
  return (
    <div className="lag-tooltip grid gap-1 rounded-md border bg-popover px-3 py-2 text-sm text-popover-foreground shadow-md">
      <p className="font-semibold tabular-nums">{clockWithSeconds.format(label)}</p>
      <ul className="grid gap-0.5">
        {series.replicas.map(({ node, samples }, i) => {
          const sample = samples.find((s) => s.at === label);
          if (!sample) return null;
          return (
            <li
              key={node}
              className="border-l-4 pl-2"
              style={{ borderColor: SERIES_STYLES[i % SERIES_STYLES.length].stroke }}
            >
              <strong>{node}</strong> {formatLag(lagValue(sample, measure), measure)}
              {sample.state !== "routable" && (
                <span className="text-muted-foreground"> · {STATE_WORDS[sample.state]}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
