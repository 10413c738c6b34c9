"use client";

import { useMutation } from "@tanstack/react-query";
import { useId } from "react";
import { errorMessage } from "~/components/api-error";
import type { AdminApi } from "./admin-api";

/** Writes a marker on the writer and shows how long each replica took to replay it and to show it. */
export function ProbePanel({ api }: { api: AdminApi }) {
  const probe = useMutation(api.replication.probe.mutationOptions());
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Replication probe</h2>
      <p className="muted">Writes a marker row on the writer and times its arrival on every replica.</p>
      <div className="actions">
        <button type="button" className="button primary" disabled={probe.isPending} onClick={() => probe.mutate()}>
          {probe.isPending ? "Probing…" : "Run replication probe"}
        </button>
      </div>
      <div aria-live="polite">
        {probe.isError && <p className="form-error">The probe failed: {errorMessage(probe.error)}</p>}
        {probe.data && (
          <table className="admin-probe">
            <caption>Visibility latency per replica</caption>
            <thead>
              <tr>
                <th scope="col">Replica</th>
                <th scope="col">Replayed after</th>
                <th scope="col">Visible after</th>
              </tr>
            </thead>
            <tbody>
              {probe.data.replicas.map((r) => (
                <tr key={r.node}>
                  <th scope="row">{r.node}</th>
                  <td>{r.replayed.ok ? `${r.replayed.ms} ms` : `not replayed in ${r.replayed.ms} ms${r.replayed.error ? ` (${r.replayed.error})` : ""}`}</td>
                  <td>{r.visible.ok ? `${r.visible.ms} ms` : `not visible in ${r.visible.ms} ms${r.visible.error ? ` (${r.visible.error})` : ""}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
