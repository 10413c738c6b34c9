/**
 * Who gets the page and who gets the API at /users…: a request that prefers HTML (a browser) keeps the
 * page; any other (curl's `*\/*`, `application/json`, no Accept at all, any POST/PATCH/DELETE) is the API.
 * Next's own requests (navigation, prefetch, RSC, server actions) never get here: src/proxy.ts's matcher
 * leaves them out, because Next strips their headers before the proxy runs. Kept free of server imports:
 * the proxy bundles it.
 */
import Negotiator from "negotiator";

/** Set on requests rewritten from /users… to /api/users…, so the API's links name /users…. */
export const BARE_PATH_HEADER = "x-tandem-rest-bare-path";

/** App pages under /users that are not API resources. */
const PAGE_ONLY_PATHS = new Set(["/users/new"]);

const OFFERED = ["application/json", "text/html"];

export function wantsPage(method: string, pathname: string, accept: string | null): boolean {
  if (PAGE_ONLY_PATHS.has(pathname)) return true;
  if (method !== "GET" && method !== "HEAD") return false;
  // Without Accept a client accepts anything (RFC 9110 §12.5.1); ties go to JSON, the first offered.
  return new Negotiator({ headers: { accept: accept ?? "*/*" } }).mediaType(OFFERED) === "text/html";
}
