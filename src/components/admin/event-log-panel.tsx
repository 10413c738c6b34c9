"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useId } from "react";
import { errorMessage, retryUnlessClientError } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import { Badge } from "~/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import type { AdminApi } from "./admin-api";
import { eventWords } from "./event-words";

const SHOWN = 50;
const when = new Intl.DateTimeFormat("en-GB", {
  day: "2-digit",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** What changed, newest first: kept by the server across restarts (its data root), refreshed every two seconds. */
export const EventLogPanel = memo(function EventLogPanel({ api }: { api: AdminApi }) {
  const id = useId();
  const events = useQuery({
    ...api.replication.events.queryOptions({ limit: SHOWN }),
    refetchInterval: 2000,
    refetchIntervalInBackground: false,
    staleTime: 0,
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });
  const list = events.data?.events;
  return (
    <Card aria-labelledby={`${id}-title`}>
      <CardHeader>
        <div className="grid gap-1">
          <CardTitle id={`${id}-title`}>Event log</CardTitle>
          <CardDescription>
            Nodes lost and back, the writer moving, divergence, and the levers pulled here; the newest {SHOWN}, kept
            across restarts.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {events.isError && <FormError>The event log could not be loaded: {errorMessage(events.error)}</FormError>}
        {list && list.length === 0 && <p className="text-sm text-muted-foreground">Nothing has happened yet.</p>}
        {list && list.length > 0 && (
          <ol className="grid max-h-96 gap-2 overflow-y-auto pr-1" aria-label="Events">
            {list.map((event) => {
              const words = eventWords(event);
              return (
                <li
                  key={event.id}
                  className="grid gap-1 border-b pb-2 text-sm last:border-b-0 sm:grid-cols-[auto_1fr] sm:items-baseline sm:gap-x-3"
                >
                  <span className="flex items-center gap-2">
                    <time dateTime={new Date(event.at).toISOString()} className="tabular-nums text-muted-foreground">
                      {when.format(event.at)}
                    </time>
                    <Badge tone={words.tone}>{words.label}</Badge>
                  </span>
                  <span>{words.sentence}</span>
                </li>
              );
            })}
          </ol>
        )}
      </CardContent>
    </Card>
  );
});
