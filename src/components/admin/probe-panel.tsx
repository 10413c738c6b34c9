"use client";

import { useMutation } from "@tanstack/react-query";
import { memo, useId } from "react";
import { errorMessage } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatDuration } from "~/format/units";
import type { AdminApi, ProbeResult } from "./admin-api";

type Leg = ProbeResult["replicas"][number]["replayed"];

const legWords = (leg: Leg, missed: string) =>
  leg.ok ? formatDuration(leg.ms) : `${missed} in ${formatDuration(leg.ms)}${leg.error ? ` (${leg.error})` : ""}`;

/** Writes a marker on the writer and shows how long each replica took to replay it and to show it. */
export const ProbePanel = memo(function ProbePanel({ api }: { api: AdminApi }) {
  const probe = useMutation(api.replication.probe.mutationOptions());
  const id = useId();
  return (
    <Card aria-labelledby={`${id}-heading`}>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle id={`${id}-heading`}>Replication probe</CardTitle>
          <CardDescription>Writes a marker row on the writer and times its arrival on every replica.</CardDescription>
        </div>
        <Button
          aria-disabled={probe.isPending || undefined}
          onClick={probe.isPending ? undefined : () => probe.mutate()}
        >
          {probe.isPending ? "Probing…" : "Run replication probe"}
        </Button>
      </CardHeader>
      <CardContent aria-live="polite">
        {probe.isError && <FormError>The probe failed: {errorMessage(probe.error)}</FormError>}
        {probe.data && (
          <Table>
            <TableCaption>Visibility latency per replica</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Replica</TableHead>
                <TableHead scope="col">Replayed after</TableHead>
                <TableHead scope="col">Visible after</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {probe.data.replicas.map((r) => (
                <TableRow key={r.node}>
                  <TableHead scope="row">{r.node}</TableHead>
                  <TableCell>{legWords(r.replayed, "not replayed")}</TableCell>
                  <TableCell>{legWords(r.visible, "not visible")}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
});
