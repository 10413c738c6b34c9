/**
 * The security headers and the 405 guard, at the level that produces them (no production build):
 * next.config.ts's header rules (every response, and the API's CSP), src/proxy.ts's per-request page
 * CSP with its nonce, and the node:http guard (src/http/incoming-guard.ts) that `next start` gets from
 * src/instrumentation.ts, over real HTTP: TRACE is 405 before any handler, which would
 * otherwise be handed a Request it cannot build (Next's 500 with a stack in the log).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "~/http/headers";
import { guardAllHttpServers, guardServerMethods } from "~/http/incoming-guard";
import { API_CSP, STATIC_SECURITY_HEADERS } from "~/http/security-headers";
import { proxy } from "~/proxy";
import config from "../../next.config";

const PATHS = ["/", "/users/1", "/favicon.svg", "/api/health", "/api/trpc/user.list?input=%7B%7D"];

describe("next.config.ts", () => {
  it("sends the static security headers on every path and the API's CSP under /api, without X-Powered-By", async () => {
    const rules = await config.headers!();
    const headersOf = (source: string) =>
      Object.fromEntries(rules.find((r) => r.source === source)!.headers.map(({ key, value }) => [key, value]));
    expect(headersOf("/:path*")).toEqual(STATIC_SECURITY_HEADERS);
    expect(headersOf("/api/:path((?!docs(?:/|$)).*)")).toEqual({ "content-security-policy": API_CSP });
    expect(API_CSP).toMatch(/default-src 'none'/);
    expect(config.poweredByHeader).toBe(false);
  });
});

describe("src/proxy.ts (pages)", () => {
  it("gives each page view a CSP with a fresh nonce, the same one on the request Next renders with", () => {
    const nonces = [1, 2].map(() => {
      const response = proxy(new NextRequest("http://localhost/users/1", { headers: { accept: "text/html" } }));
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src 'none'/);
      // NextResponse.next({ request: { headers } }) hands Next the overridden request headers this way.
      expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
      return /'nonce-([^']+)'/.exec(csp)![1];
    });
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});

/** node:http, not fetch: fetch refuses to send TRACE. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each([
  [
    "a server we create (guardServerMethods)",
    (handler: http.RequestListener) => guardServerMethods(http.createServer(handler)),
  ],
  [
    "every server of the process, as next start's (guardAllHttpServers)",
    (handler: http.RequestListener) => {
      guardAllHttpServers();
      return http.createServer(handler);
    },
  ],
])("the incoming guard on %s", (_name, create) => {
  let server: http.Server;
  let url: string;
  const seen: { method?: string; address?: string }[] = [];

  beforeAll(async () => {
    // Stands in for Next: it builds a Fetch Request, which throws for TRACE (a 500 if the guard let it through).
    server = create((req, res) => {
      seen.push({ method: req.method, address: req.headers[CLIENT_ADDRESS_HEADER] as string | undefined });
      try {
        new Request(`http://localhost${req.url}`, { method: req.method });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      } catch (error) {
        res.writeHead(500).end(String((error as Error).stack));
      }
    });
    url = await listen(server);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // TRACK never gets this far: Node's HTTP parser does not know it and answers 400 itself.
  it.each(PATHS.map((path) => ["TRACE", path]))(
    "answers %s %s with 405 and the security headers, before any handler",
    async (method, path) => {
      seen.length = 0;
      const { status, headers, body } = await send(url, method, path);
      expect(status).toBe(405);
      expect(headers.allow).toBe("GET, HEAD, POST, OPTIONS");
      for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) expect(headers[name]).toBe(value);
      expect(body).not.toMatch(/at |Error|node:/);
      expect(seen).toEqual([]);
    },
  );

  it("lets other methods through, stamped with the socket's address whatever the client sent", async () => {
    seen.length = 0;
    const { status } = await send(url, "GET", "/api/health", { [CLIENT_ADDRESS_HEADER]: "203.0.113.9" });
    expect(status).toBe(200);
    expect(seen).toEqual([{ method: "GET", address: "127.0.0.1" }]);
  });
});
