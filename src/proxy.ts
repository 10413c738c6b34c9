/**
 * Content negotiation at /users… (Next 16's proxy, formerly middleware): browsers keep the pages, other
 * clients get the REST API, which answers at /api/users… (see src/http/negotiation.ts).
 */
import { type NextRequest, NextResponse } from "next/server";
import { BARE_PATH_HEADER, wantsPage } from "~/http/negotiation";

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (wantsPage(request.method, pathname, request.headers.get("accept"))) return NextResponse.next();
  // The API's answers say `Vary: Accept` themselves (src/server/rest/handler.ts).
  const headers = new Headers(request.headers);
  headers.set(BARE_PATH_HEADER, "1");
  return NextResponse.rewrite(new URL(`/api${pathname}${search}`, request.url), { request: { headers } });
}

export const config = {
  matcher: [
    {
      source: "/users/:path*",
      // Next's client navigation, prefetches and server actions (headers from
      // next/dist/client/components/app-router-headers, checked by tests/unit/negotiation.test.ts). Next
      // removes these headers before the proxy runs, so only the matcher can see them; the matcher must be
      // literal (Next reads it at build time).
      missing: [
        { type: "header", key: "rsc" },
        { type: "header", key: "next-router-state-tree" },
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "next-router-segment-prefetch" },
        { type: "header", key: "next-hmr-refresh" },
        { type: "header", key: "next-action" },
        { type: "query", key: "_rsc" },
      ],
    },
  ],
};
