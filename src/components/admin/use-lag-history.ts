"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { retryUnlessClientError } from "~/components/api-error";
import { useAdminClient } from "./admin-api";
import { isAheadOfServer, type LagSeries, mergeLagHistory, newestAt } from "./lag-series";

/**
 * The lag history for the chart: the whole window once, then every second only the samples newer than
 * the newest one held, appended and trimmed here (not five minutes of data each second). The query key
 * has tRPC's shape, [["replication", …], …], so signing out removes it with the rest of the admin data.
 */
export function useLagHistory(token: string) {
  const client = useAdminClient(token);
  const queryClient = useQueryClient();
  const queryKey = [["replication", "lagHistory"], { type: "live" }];
  return useQuery({
    queryKey,
    queryFn: async (): Promise<LagSeries> => {
      const held = queryClient.getQueryData<LagSeries>(queryKey);
      const since = held && newestAt(held);
      const answer = await client.replication.lagHistory.query(since === undefined ? undefined : { since });
      if (isAheadOfServer(held, answer)) return mergeLagHistory(undefined, await client.replication.lagHistory.query());
      return mergeLagHistory(held, answer);
    },
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
    staleTime: 0,
    // Keep drawing the last chart through a failed refresh: no flicker, and the error says why.
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });
}
