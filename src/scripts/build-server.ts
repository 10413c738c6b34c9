/**
 * The second half of `npm run build` (after `next build`): bundles the app's server
 * (src/server/http/server.ts) into one file, .next/tandem-server.mjs, that plain `node` runs in
 * production, in the e2e tests and in the docker image, where neither tsx nor the sources are. `next`
 * stays external: the bundle must drive the same Next installation the build used, which the standalone
 * output also ships. Node's CommonJS `require` is provided for the bundled CommonJS packages (pg).
 */
import path from "node:path";
import { build } from "esbuild";
import { SERVER_BUNDLE } from "./server-bundle";

await build({
  entryPoints: [path.join("src", "server", "http", "server.ts")],
  outfile: SERVER_BUNDLE,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["next", "next/*", "pg-native"],
  banner: {
    js: 'import { createRequire as __tandemCreateRequire } from "node:module"; const require = __tandemCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
console.error(`[build] ${SERVER_BUNDLE}`);
