"use client";

import dynamic from "next/dynamic";
import { memo, useId, useState } from "react";
import { errorMessage } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import {
  formatLag,
  type LagSeries,
  lagSummary,
  lagValue,
  type Measure,
  replicaFigures,
  stateWords,
  windowWords,
} from "./lag-series";

/** The same box while recharts loads as once it has: the page does not jump. */
const ChartPlaceholder = () => (
  <p className="flex h-full items-center text-sm text-muted-foreground">Loading the chart…</p>
);

// recharts is large: load it after sign-in, in its own chunk, and never on the server (it measures the DOM).
const LagChart = dynamic(() => import("./lag-chart"), { ssr: false, loading: ChartPlaceholder });

const MEASURES: { value: Measure; label: string }[] = [
  { value: "time", label: "Time" },
  { value: "bytes", label: "Bytes" },
];

/**
 * Each replica's lag over the last minutes as a live line chart, with its figures as a table too.
 * Memoised on the lag history's answer: the page's other polls do not redraw the chart.
 */
export const LagPanel = memo(function LagPanel({ series, error }: { series: LagSeries | undefined; error: unknown }) {
  const [measure, setMeasure] = useState<Measure>("time");
  const id = useId();

  return (
    <figure
      className="grid gap-4 rounded-lg border bg-card p-5 text-card-foreground shadow-sm"
      aria-labelledby={`${id}-caption`}
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <figcaption id={`${id}-caption`}>
          <h2 className="text-lg font-semibold">Replication lag</h2>
        </figcaption>
        <fieldset className="inline-flex rounded-md border p-0.5">
          <legend className="sr-only">Show lag in</legend>
          {MEASURES.map(({ value, label }) => (
            // The radio covers its label, invisible: a click lands on it, and the label shows its state and focus.
            <label
              key={value}
              className="relative rounded px-3 py-1 text-sm font-semibold has-checked:bg-primary has-checked:text-primary-foreground has-focus-visible:outline-2 has-focus-visible:outline-ring"
            >
              <input
                className="absolute inset-0 cursor-pointer opacity-0"
                type="radio"
                name={`${id}-measure`}
                value={value}
                checked={measure === value}
                onChange={() => setMeasure(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
      </div>
      <p className="text-sm text-muted-foreground">
        Per replica over {windowWords(series?.windowMs ?? 300_000)}, one sample a second, kept across server restarts.
        {series &&
          measure === "time" &&
          ` Above the dashed routing limit (${formatLag(series.maxLagMs, "time")}) a replica serves no reads.`}{" "}
        Gaps are times a replica could not be reached.
      </p>

      {error != null && (
        <FormError>
          {series
            ? "The lag history could not be refreshed; showing the last answer. "
            : "The lag history could not be loaded. "}
          {errorMessage(error)}
        </FormError>
      )}

      <div className="h-72">
        {series ? (
          <LagChart series={series} measure={measure} summary={lagSummary(series, measure)} />
        ) : (
          <ChartPlaceholder />
        )}
      </div>

      {series && (
        <details className="text-sm">
          <summary className="cursor-pointer font-semibold text-primary">Show the figures as a table</summary>
          <LagTable series={series} measure={measure} />
        </details>
      )}
    </figure>
  );
});

function LagTable({ series, measure }: { series: LagSeries; measure: Measure }) {
  return (
    <Table className="mt-2">
      <TableCaption>Replication lag per replica over {windowWords(series.windowMs)}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead scope="col">Replica</TableHead>
          <TableHead scope="col">Now</TableHead>
          <TableHead scope="col">State</TableHead>
          <TableHead scope="col">Highest</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {replicaFigures(series, measure).map((figures) => (
          <TableRow key={figures.node}>
            <TableHead scope="row">{figures.node}</TableHead>
            <TableCell>
              {figures.current && figures.latest ? formatLag(lagValue(figures.latest, measure), measure) : "—"}
            </TableCell>
            <TableCell>{stateWords(figures)}</TableCell>
            <TableCell>{formatLag(figures.highest, measure)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
