/** The server's dispatch table (src/server/http/dispatch.ts): which handler a request target reaches. */

import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { type Guard, guarded, pathnameOf, routeFor } from "~/server/http/dispatch";

const handle = () => undefined;
const routes = [
  { prefix: "/api/trpc", handle },
  { prefix: "/api/v1", handle },
];

describe("dispatch", () => {
  it("takes a prefix's own path and everything below it, with or without a query", () => {
    for (const target of [
      "/api/trpc",
      "/api/trpc/user.byId",
      "/api/trpc/user.byId,user.list?batch=1&input=%7B%7D",
      "/api/trpc?x=1",
    ]) {
      expect(routeFor(routes, target)?.prefix, target).toBe("/api/trpc");
    }
    expect(routeFor(routes, "/api/v1/users/3")?.prefix).toBe("/api/v1");
  });

  it("leaves everything else to the fallback (Next): lookalike paths, pages, a prefix only in the query", () => {
    for (const target of [
      "/api/trpcx",
      "/api/trpc-old/x",
      "/api",
      "/",
      "/users?next=/api/trpc/x",
      "/API/trpc/x",
      "/api/v10",
    ]) {
      expect(routeFor(routes, target), target).toBeUndefined();
    }
  });

  it("reads the path without parsing a URL", () => {
    expect(pathnameOf("/a/b?c=/d")).toBe("/a/b");
    expect(pathnameOf("/a/b")).toBe("/a/b");
  });

  it("runs the guards ahead of every route, in order, and skips the handler once one answers", () => {
    const calls: string[] = [];
    const route = (name: string) => ({ prefix: `/${name}`, handle: () => calls.push(name) });
    const guard =
      (name: string, answers: (req: IncomingMessage) => boolean): Guard =>
      (req) => {
        calls.push(name);
        return answers(req);
      };
    const table = guarded(
      [guard("headers", () => false), guard("refuse", (req) => req.method === "TRACE"), guard("never", () => false)],
      [route("a"), route("b")],
    );
    const call = (target: string, method: string) =>
      routeFor(table, target)?.handle({ url: target, method } as IncomingMessage, {} as ServerResponse);

    call("/a/x", "GET");
    expect(calls.splice(0)).toEqual(["headers", "refuse", "never", "a"]);
    call("/b", "TRACE");
    expect(calls.splice(0)).toEqual(["headers", "refuse"]);
    expect(table.map((r) => r.prefix)).toEqual(["/a", "/b"]);
    expect(guarded([], [route("a")])[0].prefix).toBe("/a");
  });
});
