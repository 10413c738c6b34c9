/**
 * Next's proxy (formerly middleware), for two jobs:
 * - content negotiation at /users…: browsers keep the pages, other clients get the REST API, which
 *   answers at /api/users… (see src/http/negotiation.ts);
 * - every page view gets a Content-Security-Policy with a fresh nonce (src/http/security-headers.ts).
 *   Next reads the nonce from the request's CSP header and puts it on the scripts it renders; the root
 *   layout renders per request so there always is one. API routes and static files get their headers
 *   from next.config.ts instead (no nonce to make).
 */
import { type NextRequest, NextResponse } from "next/server";
import { BARE_PATH_HEADER, wantsPage } from "~/http/negotiation";
import { newNonce, pageCsp } from "~/http/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (isUsersPath(pathname) && !wantsPage(request.method, pathname, request.headers.get("accept"))) {
    // The API's answers say `Vary: Accept` themselves (src/server/rest/handler.ts).
    const headers = new Headers(request.headers);
    headers.set(BARE_PATH_HEADER, "1");
    return NextResponse.rewrite(new URL(`/api${pathname}${search}`, request.url), { request: { headers } });
  }
  const csp = pageCsp(newNonce(), { development: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

function isUsersPath(pathname: string): boolean {
  return pathname === "/users" || pathname.startsWith("/users/");
}

/*
 * Every page, not the API (next.config.ts gives it its headers) nor Next's static files. The matcher
 * leaves out Next's client navigation, prefetches and server actions (headers from
 * next/dist/client/components/app-router-headers, checked by tests/unit/negotiation.test.ts): Next
 * removes these headers before the proxy runs, so only the matcher can see them, and none of those
 * requests is a document that runs scripts or one to negotiate. It must be literal (Next reads it at
 * build time).
 */
export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.svg).*)",
      missing: [
        { type: "header", key: "rsc" },
        { type: "header", key: "next-router-state-tree" },
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "next-router-segment-prefetch" },
        { type: "header", key: "next-hmr-refresh" },
        { type: "header", key: "next-action" },
        { type: "header", key: "purpose", value: "prefetch" },
        { type: "query", key: "_rsc" },
      ],
    },
  ],
};
