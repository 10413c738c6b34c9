/**
 * Who gets the page at /users…: the negotiation rule, and the proxy's matcher, which must leave out every
 * request of Next's own router (Next strips their headers before the proxy could look).
 */

import * as nextHeaders from "next/dist/client/components/app-router-headers";
import { describe, expect, it } from "vitest";
import { wantsPage } from "~/http/negotiation";
import { config } from "~/proxy";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

describe("wantsPage", () => {
  it("gives a browser's navigation the page", () => {
    expect(wantsPage("GET", "/users", BROWSER)).toBe(true);
    expect(wantsPage("HEAD", "/users/7", "text/html")).toBe(true);
  });

  it("gives curl, JSON clients and clients without Accept the API", () => {
    expect(wantsPage("GET", "/users", "*/*")).toBe(false);
    expect(wantsPage("GET", "/users", "application/json")).toBe(false);
    expect(wantsPage("GET", "/users/7", null)).toBe(false);
    expect(wantsPage("GET", "/users", "application/json, text/html;q=0.5")).toBe(false);
  });

  it("sends every write to the API, whatever it accepts", () => {
    for (const method of ["POST", "PATCH", "DELETE", "PUT"]) expect(wantsPage(method, "/users", BROWSER)).toBe(false);
  });

  it("keeps /users/new a page: it is the form, not a user", () => {
    expect(wantsPage("GET", "/users/new", "*/*")).toBe(true);
  });
});

describe("the proxy's matcher", () => {
  const [matcher] = config.matcher;
  const missing = new Set(matcher.missing.map((m) => `${m.type}:${m.key}`));

  it("runs on every page, /users and below included, and on no API route or static file", () => {
    const source = new RegExp(`^${matcher.source}$`);
    for (const path of ["/", "/users", "/users/1", "/admin"]) expect(path).toMatch(source);
    for (const path of ["/api/users", "/api/trpc/user.list", "/_next/static/chunk.js", "/favicon.svg"])
      expect(path).not.toMatch(source);
  });

  it("leaves out every request Next's router marks as its own, by Next's own header names", () => {
    const flight = nextHeaders.FLIGHT_HEADERS as readonly string[];
    expect(flight.length).toBeGreaterThan(3);
    for (const header of [...flight, nextHeaders.ACTION_HEADER])
      expect(missing, header).toContain(`header:${header.toLowerCase()}`);
    expect(missing).toContain(`query:${nextHeaders.NEXT_RSC_UNION_QUERY}`);
  });
});
