"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { retryUnlessClientError } from "~/components/api-error";
import type { AdminApi } from "./admin-api";

/** Reads and errors per second per node (replication.traffic), refreshed every second. */
export function useTraffic(api: AdminApi) {
  return useQuery({
    ...api.replication.traffic.queryOptions(),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
    staleTime: 0,
    placeholderData: keepPreviousData,
    retry: retryUnlessClientError,
  });
}
