"use client";

import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import type { AppRouter } from "~/server/api/root";
import { sessionStorageTokenStore } from "./consistency-token";
import { apiLinks, requestLogLink } from "./links";
import { createQueryClient } from "./query-client";

let clientQueryClientSingleton: QueryClient | undefined;
function getQueryClient(): QueryClient {
  // Server: a new query client per request, so users never share cached data.
  if (typeof window === "undefined") return createQueryClient();
  // Browser: one, so React suspending during the first render does not throw the cache away.
  clientQueryClientSingleton ??= createQueryClient();
  return clientQueryClientSingleton;
}

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** e.g. `RouterInputs["user"]["create"]` */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** e.g. `RouterOutputs["user"]["list"]["items"][number]` */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        requestLogLink(),
        // The tab's consistency token survives reloads (sessionStorage), so a reload right after a write reads it.
        ...apiLinks({ url: `${getBaseUrl()}/api/trpc`, tokenStore: sessionStorageTokenStore() }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

function getBaseUrl(): string {
  if (typeof window !== "undefined") return window.location.origin;
  return `http://localhost:${process.env.PORT ?? 3000}`;
}
