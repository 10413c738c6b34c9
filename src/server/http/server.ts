/**
 * The app's HTTP server, for `npm run dev` (--dev, through tsx), `npm start`, the e2e server and the
 * docker image (the last three run the bundle `npm run build` writes, .next/tandem-server.mjs). One
 * process and one port: API requests (./api-routes.ts) go straight to their handlers on Node's
 * request/response; pages, assets and the remaining route handlers go to Next, in the same process.
 * Why: Next's router costs about 0.8 ms of CPU per request before a route handler runs, more than
 * tRPC, Prisma and pg together (README, Benchmarks). Next keeps its own rules for what it serves.
 *
 * Usage: server.ts [--dev] [-p PORT] [-H HOSTNAME]; PORT from the environment when -p is not given
 * (3000 by default); without -H it listens on every interface, as `next start` does.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { getEnv } from "~/env";
import { guardServerMethods } from "~/http/incoming-guard";
import { getApiServices } from "~/server/api/services";
import { apiRoutes } from "./api-routes";
import { dispatch } from "./dispatch";
import { applyServerTimeouts } from "./timeouts";

const { values } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
  },
});
const dev = values.dev;
const port = Number(values.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  throw new Error(`The port must be a number from 0 to 65535, not ${values.port ?? process.env.PORT}`);
const hostname = values.hostname;
// What `next dev` and `next start` set, before anything reads them (the start-up notice shows PORT).
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
process.env.PORT = String(port);

const dir = process.cwd();
// Slow clients are cut off (./timeouts.ts; before listen(), which reads the settings), and every request
// is stamped with its socket's address and refused 405 for methods Next cannot represent (TRACE).
const server = guardServerMethods(applyServerTimeouts(http.createServer(), getEnv()));
const app = next({ dev, dir, hostname, port, httpServer: server, conf: standaloneConfig() });
await app.prepare();
const nextHandler = app.getRequestHandler();
server.on(
  "request",
  dispatch(apiRoutes(getApiServices), (req, res) => nextHandler(req, res)),
);

await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, hostname, resolve);
});
const address = server.address();
const shown =
  typeof address === "object" && address
    ? `${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`
    : String(address);
console.log(
  `[tandem] ${dev ? "development" : "production"} server on http://${shown} (API on the fast path, pages through Next)`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void shutdown(signal));

/** Stop taking connections, let requests in flight finish (bounded), then exit. */
async function shutdown(signal: string): Promise<void> {
  console.log(`[tandem] ${signal}: stopping`);
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), 5_000);
  await closed;
  clearTimeout(deadline);
  await app.close();
  process.exit(0);
}

/**
 * Next's standalone output (the docker image) has no next.config file: its generated server.js starts
 * Next with the configuration the build recorded, and so does this. Elsewhere Next reads next.config.mjs.
 */
function standaloneConfig() {
  if (dev || ["next.config.mjs", "next.config.js", "next.config.ts"].some((file) => existsSync(path.join(dir, file))))
    return undefined;
  const { config } = JSON.parse(readFileSync(path.join(dir, ".next", "required-server-files.json"), "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return config;
}
