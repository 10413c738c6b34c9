/**
 * applyServerTimeouts against a real node:http server and real slow clients over TCP: a client that
 * trickles its headers, one that trickles its body, and an idle keep-alive connection are each cut off
 * near their deadline; the same clients on a server without it are still connected well after.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { applyServerTimeouts } from "~/server/http/timeouts";

const SETTINGS = { HTTP_HEADERS_TIMEOUT_MS: 400, HTTP_REQUEST_TIMEOUT_MS: 800, HTTP_KEEP_ALIVE_TIMEOUT_MS: 300 };

const servers: http.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startServer(withTimeouts: boolean): Promise<number> {
  const server = http.createServer(async (req, res) => {
    try {
      for await (const _chunk of req); // reads the body, as an API handler does
      res.end("ok");
    } catch {
      // the timeout destroyed the request: what these tests cause
    }
  });
  if (withTimeouts) applyServerTimeouts(server, SETTINGS);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

interface SlowClient {
  /** Milliseconds from connecting until the server closed the connection, or undefined if it is still open. */
  closedAfter(): number | undefined;
  received(): string;
}

/** Connects, writes `opening`, then one byte of `drip` every 100 ms. */
async function slowClient(port: number, opening: string, drip?: string): Promise<SlowClient> {
  const socket = net.connect(port, "127.0.0.1");
  sockets.push(socket);
  await new Promise((resolve) => socket.once("connect", resolve));
  const start = performance.now();
  let closedAt: number | undefined;
  let received = "";
  socket.on("data", (chunk) => (received += chunk));
  socket.on("error", () => {});
  socket.on("close", () => (closedAt = performance.now()));
  socket.write(opening);
  if (drip) {
    let i = 0;
    const timer = setInterval(
      () => (socket.writable ? socket.write(drip[i++ % drip.length]!) : clearInterval(timer)),
      100,
    );
    socket.on("close", () => clearInterval(timer));
  }
  return { closedAfter: () => (closedAt === undefined ? undefined : closedAt - start), received: () => received };
}

const until = async (condition: () => boolean, ms: number) => {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe("applyServerTimeouts", () => {
  it("cuts off a client that trickles its headers, with 408, near HTTP_HEADERS_TIMEOUT_MS", async () => {
    const [guarded, unguarded] = await Promise.all([startServer(true), startServer(false)]);
    const opening = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    const [cut, held] = await Promise.all([
      slowClient(guarded, opening, "abcdef"),
      slowClient(unguarded, opening, "abcdef"),
    ]);
    await until(() => cut.closedAfter() !== undefined, 3_000);
    expect(cut.closedAfter()).toBeGreaterThanOrEqual(SETTINGS.HTTP_HEADERS_TIMEOUT_MS - 50);
    expect(cut.closedAfter()).toBeLessThan(SETTINGS.HTTP_HEADERS_TIMEOUT_MS + 700);
    expect(cut.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(held.closedAfter()).toBeUndefined();
  });

  it("cuts off a client that trickles its body near HTTP_REQUEST_TIMEOUT_MS", async () => {
    const [guarded, unguarded] = await Promise.all([startServer(true), startServer(false)]);
    const opening = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{";
    const [cut, held] = await Promise.all([
      slowClient(guarded, opening, "aaaa"),
      slowClient(unguarded, opening, "aaaa"),
    ]);
    await until(() => cut.closedAfter() !== undefined, 4_000);
    expect(cut.closedAfter()).toBeGreaterThanOrEqual(SETTINGS.HTTP_REQUEST_TIMEOUT_MS - 50);
    expect(cut.closedAfter()).toBeLessThan(SETTINGS.HTTP_REQUEST_TIMEOUT_MS + 700);
    expect(held.closedAfter()).toBeUndefined();
  });

  it("closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS (plus the second Node adds)", async () => {
    const [guarded, unguarded] = await Promise.all([startServer(true), startServer(false)]);
    const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const [cut, held] = await Promise.all([slowClient(guarded, request), slowClient(unguarded, request)]);
    await until(() => cut.received().endsWith("ok") && held.received().endsWith("ok"), 2_000);
    expect(cut.received()).toMatch(/^HTTP\/1\.1 200[\s\S]*keep-alive/i);
    await until(() => cut.closedAfter() !== undefined, 3_000);
    // Node keeps the socket open 1 s past keepAliveTimeout, so a client racing the deadline loses nothing.
    expect(cut.closedAfter()).toBeLessThan(SETTINGS.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_000 + 500);
    expect(held.closedAfter()).toBeUndefined(); // Node's default is 5 s
  });

  it("keeps Node's rule that the headers deadline is within the request deadline", () => {
    const server = applyServerTimeouts(http.createServer(), {
      ...SETTINGS,
      HTTP_HEADERS_TIMEOUT_MS: 5_000,
      HTTP_REQUEST_TIMEOUT_MS: 1_000,
    });
    expect(server.requestTimeout).toBe(5_000);
    expect(server.headersTimeout).toBe(5_000);
  });
});
