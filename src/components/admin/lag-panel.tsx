"use client";

import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { errorMessage } from "~/components/api-error";
import { type LagSeries, type Measure, formatLag, lagSummary, replicaFigures, stateWords, valueOf, windowWords } from "./lag-series";
import { useLagHistory } from "./use-lag-history";

/** The same box while recharts loads as once it has: the page does not jump. */
const ChartPlaceholder = () => <p className="muted lag-chart-loading">Loading the chart…</p>;

// recharts is large: load it after sign-in, in its own chunk, and never on the server (it measures the DOM).
const LagChart = dynamic(() => import("./lag-chart"), { ssr: false, loading: ChartPlaceholder });

const MEASURES: { value: Measure; label: string }[] = [
  { value: "time", label: "Time" },
  { value: "bytes", label: "Bytes" },
];

/** Each replica's lag over the last minutes as a live line chart, with its figures as a table too. */
export function LagPanel({ token }: { token: string }) {
  const history = useLagHistory(token);
  const [measure, setMeasure] = useState<Measure>("time");
  const id = useId();
  const series = history.data;

  return (
    <figure className="card lag-panel" aria-labelledby={`${id}-caption`}>
      <div className="card-head">
        <figcaption id={`${id}-caption`}>
          <h2>Replication lag</h2>
        </figcaption>
        <fieldset className="segmented">
          <legend className="visually-hidden">Show lag in</legend>
          {MEASURES.map(({ value, label }) => (
            <label key={value}>
              <input type="radio" name={`${id}-measure`} value={value} checked={measure === value} onChange={() => setMeasure(value)} />
              {label}
            </label>
          ))}
        </fieldset>
      </div>
      <p className="muted lag-explanation">
        Per replica over {windowWords(series?.windowMs ?? 300_000)}, one sample a second.
        {series && measure === "time" && ` Above the dashed routing limit (${formatLag(series.maxLagMs, "time")}) a replica serves no reads.`} Gaps are
        times a replica could not be reached.
      </p>

      {history.isError && (
        <p className="form-error" role="alert">
          {series ? "The lag history could not be refreshed; showing the last answer. " : "The lag history could not be loaded. "}
          {errorMessage(history.error)}
        </p>
      )}

      <div className="lag-chart">{series ? <LagChart series={series} measure={measure} summary={lagSummary(series, measure)} /> : <ChartPlaceholder />}</div>

      {series && (
        <details className="lag-figures">
          <summary>Show the figures as a table</summary>
          <LagTable series={series} measure={measure} />
        </details>
      )}
    </figure>
  );
}

function LagTable({ series, measure }: { series: LagSeries; measure: Measure }) {
  return (
    <table className="admin-table">
      <caption>Replication lag per replica over {windowWords(series.windowMs)}</caption>
      <thead>
        <tr>
          <th scope="col">Replica</th>
          <th scope="col">Now</th>
          <th scope="col">State</th>
          <th scope="col">Highest</th>
        </tr>
      </thead>
      <tbody>
        {replicaFigures(series, measure).map((figures) => (
          <tr key={figures.node}>
            <th scope="row">{figures.node}</th>
            <td>{figures.current && figures.latest ? formatLag(valueOf(figures.latest, measure), measure) : "—"}</td>
            <td>{stateWords(figures)}</td>
            <td>{formatLag(figures.highest, measure)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
