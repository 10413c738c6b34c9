/**
 * Next's proxy (formerly middleware): gives every page view a Content-Security-Policy with a fresh
 * nonce (src/http/security-headers.ts). Next reads the nonce from the request's CSP header and
 * puts it on the scripts it renders; the root layout renders per request so there always is one.
 * API routes and static files get their headers from next.config.ts instead (no nonce to make).
 */
import { type NextRequest, NextResponse } from "next/server";
import { newNonce, pageCsp } from "~/http/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const csp = pageCsp(newNonce(), { development: process.env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.svg).*)",
      // A prefetch fetches data for a later navigation, not a document that runs scripts.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
