import type { NextConfig } from "next";
import { API_CSP, STATIC_SECURITY_HEADERS } from "./src/http/security-headers";

const toHeaders = (headers: Record<string, string>) => Object.entries(headers).map(([key, value]) => ({ key, value }));

const config: NextConfig = {
  // A self-contained server in .next/standalone for the Docker image, which builds with
  // TANDEM_STANDALONE=1; `npm start` (next start) serves the regular build and warns on a standalone one.
  output: process.env.TANDEM_STANDALONE === "1" ? "standalone" : undefined,
  // `next dev` blocks dev resources (HMR, RSC) requested from other origins; without these the page
  // served on 127.0.0.1 never hydrates (the e2e tests and most people open 127.0.0.1 or localhost).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // /api/docs/scalar.js reads Scalar's browser bundle from node_modules by path (the package does not
  // export it), which file tracing cannot see: the standalone server gets it listed here.
  outputFileTracingIncludes: {
    "/api/docs/scalar.js": ["./node_modules/@scalar/api-reference/dist/browser/standalone.js"],
  },
  // Saying which framework serves the app only helps someone looking for its known bugs.
  poweredByHeader: false,
  // Security headers (src/http/security-headers.ts): these on every response; a page's CSP,
  // which carries a per-request nonce, comes from src/proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: toHeaders(STATIC_SECURITY_HEADERS) },
      // Not /api/docs: the API reference is a page, with its own CSP (src/server/rest/docs-page.ts); two
      // policies would both apply, and this one would block its script.
      { source: "/api/:path((?!docs(?:/|$)).*)", headers: toHeaders({ "content-security-policy": API_CSP }) },
    ];
  },
};

export default config;
