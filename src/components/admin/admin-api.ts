"use client";

/**
 * The admin page's own tRPC client: the app's links (src/trpc/links.ts) with the admin token, which the
 * user pages' client must not carry. It shares the app's QueryClient; its query keys are tRPC's usual
 * ones (`replication.*`), which no other page uses.
 */
import { useQueryClient } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useMemo } from "react";
import type { AppRouter } from "~/server/api/root";
import { sessionStorageTokenStore } from "~/trpc/consistency-token";
import { apiLinks } from "~/trpc/links";

export type ReplicationStatus = inferRouterOutputs<AppRouter>["replication"]["status"];
export type NodeView = ReplicationStatus["nodes"][number];
export type ProbeResult = inferRouterOutputs<AppRouter>["replication"]["probe"];

export function createAdminClient(token: string) {
  const url = `${typeof window === "undefined" ? "" : window.location.origin}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: apiLinks({ url, tokenStore: sessionStorageTokenStore(), adminToken: token }),
  });
}

/** The admin client itself, for a query whose input changes on every call (the lag chart's `since`). */
export function useAdminClient(token: string) {
  return useMemo(() => createAdminClient(token), [token]);
}

/** Query and mutation options for the admin procedures, signed with `token`. */
export function useAdminApi(token: string) {
  const queryClient = useQueryClient();
  const client = useAdminClient(token);
  return useMemo(() => createTRPCOptionsProxy<AppRouter>({ client, queryClient }), [client, queryClient]);
}

export type AdminApi = ReturnType<typeof useAdminApi>;
