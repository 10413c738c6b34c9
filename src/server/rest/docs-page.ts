/**
 * The API reference at /api/docs: Scalar's standalone bundle (the npm package's browser build, served by
 * the app itself, so the page works offline and loads nothing from a CDN) reading /api/openapi.json.
 * Scalar's web fonts and telemetry are switched off, and the page's Content-Security-Policy allows only
 * this origin, so whatever a later Scalar version tries, the page calls nothing else.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

export const SCALAR_BUNDLE_PATH = "/api/docs/scalar.js";
/** Where npm puts the bundle (the package's exports do not include it, so it is found by path; next.config.mjs traces it). */
const BUNDLE_FILE = path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js");

/**
 * Scalar 1.76 on this page still asks fonts.scalar.com for its web fonts with withDefaultFonts off (not on
 * a bare test page: something in its style injection differs); the policy below refuses them in the
 * browser, which then uses system fonts.
 */
const CONFIGURATION = { url: "/api/openapi.json", withDefaultFonts: false, telemetry: false };

const INIT_SCRIPT = `Scalar.createApiReference("#api-reference", ${JSON.stringify(CONFIGURATION)});`;

/** Scripts: the bundle from here and the one init script by hash; Scalar sets inline styles, so styles may be inline. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash("sha256").update(INIT_SCRIPT).digest("base64")}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function docsPageResponse(): Response {
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Tandem API reference</title>
  </head>
  <body>
    <div id="api-reference"></div>
    <script src="${SCALAR_BUNDLE_PATH}"></script>
    <script>${INIT_SCRIPT}</script>
  </body>
</html>
`;
  return new Response(html, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-security-policy": CONTENT_SECURITY_POLICY,
    },
  });
}

let bundle: Promise<Buffer> | undefined;

export async function scalarBundleResponse(): Promise<Response> {
  bundle ??= readFile(BUNDLE_FILE);
  return new Response(new Uint8Array(await bundle), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" },
  });
}
