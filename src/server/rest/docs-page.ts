/**
 * The API reference at /api/docs: Scalar's standalone bundle (the npm package's browser build, served by
 * the app itself, so the page works offline and loads nothing from a CDN) reading /api/openapi.json.
 * Scalar's web fonts and telemetry are off: both would call scalar.com.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

export const SCALAR_BUNDLE_PATH = "/api/docs/scalar.js";
/** Where npm puts the bundle (the package's exports do not include it, so it is found by path; next.config.mjs traces it). */
const BUNDLE_FILE = path.join(process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js");

const CONFIGURATION = { url: "/api/openapi.json", withDefaultFonts: false, telemetry: false, hideClientButton: false };

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
    <script>Scalar.createApiReference("#api-reference", ${JSON.stringify(CONFIGURATION)});</script>
  </body>
</html>
`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } });
}

let bundle: Promise<Buffer> | undefined;

export async function scalarBundleResponse(): Promise<Response> {
  bundle ??= readFile(BUNDLE_FILE);
  return new Response(new Uint8Array(await bundle), { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" } });
}
