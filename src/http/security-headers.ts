/**
 * The security headers of every response, decided here for every server that sends them: Next applies
 * `STATIC_SECURITY_HEADERS` and `API_CSP` through next.config.ts, src/proxy.ts adds a page's CSP with a
 * fresh nonce, and a node:http server serving the API itself sends `apiSecurityHeaders()`.
 *
 * Pages: scripts run only with the request's nonce (Next puts it on its own scripts when it renders
 * the page, which is why every page renders per request) or when loaded by such a script
 * ('strict-dynamic'); styles may be inline (React and the chart library write style attributes, and an
 * injected style cannot run code); nothing may frame the app. API responses are data, never documents:
 * they may load nothing.
 */

/** Same for pages, API responses and static files. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // frame-ancestors 'none' says the same to browsers that read CSP; this is for those that do not.
  "x-frame-options": "DENY",
  // Other sites learn the origin at most, never a path like /users/42?search=…
  "referrer-policy": "strict-origin-when-cross-origin",
  // The app uses none of these; a script injected despite the CSP cannot ask for them either.
  "permissions-policy":
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), browsing-topics=()",
  "cross-origin-opener-policy": "same-origin",
};

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** `development`: React's dev build uses eval for its error overlays, and Next's HMR a websocket. */
export function pageCsp(nonce: string, { development = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For a server that answers API requests without Next. */
export function apiSecurityHeaders(): Record<string, string> {
  return { ...STATIC_SECURITY_HEADERS, "content-security-policy": API_CSP };
}

/** 128 random bits, base64: unguessable, and fresh for every page view. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
