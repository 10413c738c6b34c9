/**
 * The REST API over HTTP: the real handler on a real data layer over a throwaway cluster. Every route
 * and error (problem+json, never HTML or a stack), Link pagination, the replication headers,
 * read-your-writes through x-consistency-token with replay paused, Idempotency-Key (sequential,
 * concurrent, a lost answer, mismatched bodies, shared with tRPC, expiry and sweeping), the OpenAPI
 * document against the OpenAPI 3.1 schema, and last, 503 with Retry-After on a stopped primary.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOne } from "~/cluster/sql";
import { waitFor } from "~/cluster/wait-for";
import { restRoutes } from "~/server/rest/routes";
import { type ApiHarness, startApiHarness } from "../support/api-harness";

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** A consistency token: timeline, then WAL position. */
const TOKEN = /^\d+:[0-9A-F]+\/[0-9A-F]+$/;
const run = Date.now().toString(36);
let seq = 0;
const newUser = (name = `Rest ${++seq}`) => ({ name, email: `rest${++seq}-${run}@example.com` });
const JSON_HEADERS = { "content-type": "application/json" };

interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return h.request(path, {
    method,
    headers: { ...(body !== undefined && JSON_HEADERS), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
}

async function create(
  user = newUser(),
  headers: Record<string, string> = {},
): Promise<{ response: Response; user: User }> {
  const response = await send("POST", "/api/users", user, headers);
  expect(response.status, await response.clone().text()).toBe(201);
  return { response, user: (await response.json()) as User };
}

/** An RFC 9457 answer: the media type, the members, and nothing a client should not see. */
async function expectProblem(response: Response, status: number, code?: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(text).not.toMatch(/<html|<!doctype|\bat .*\.(ts|js):\d+|Prisma|invocation|ECONN|127\.0\.0\.1/i);
  const problem = JSON.parse(text) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    code: string;
    errors?: { detail: string; pointer?: string; parameter?: string }[];
    consistency?: { reason: string; detail: string };
  };
  expect(problem).toMatchObject({ type: "about:blank", status, title: expect.any(String), detail: expect.any(String) });
  if (code) expect(problem.code).toBe(code);
  return problem;
}

async function countUsersWithEmail(email: string): Promise<number> {
  return Number(
    (await queryOne<{ n: string }>(h.cluster.primaryUrl, "SELECT count(*) AS n FROM users WHERE email = $1", [email]))
      ?.n,
  );
}

describe("the demo's routes", () => {
  it("POST /users: 201, the user as JSON, Location, the write's token and node in headers", async () => {
    const input = newUser("Ada Lovelace");
    const { response, user } = await create(input);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(user).toEqual({
      id: expect.any(Number),
      name: "Ada Lovelace",
      email: input.email,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(response.headers.get("location")).toBe(`/api/users/${user.id}`);
    expect(response.headers.get("x-consistency-token")).toMatch(TOKEN);
    expect(response.headers.get("x-served-by")).toBe("primary");
    expect(response.headers.get("x-served-by-reason")).toBe("write");
    expect(response.headers.get("x-served-by-detail")).toBe("writes go to the primary");

    const read = await h.request(response.headers.get("location")!, {
      headers: { "x-consistency-token": response.headers.get("x-consistency-token")! },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(user);
    expect(read.headers.get("x-served-by-reason")).not.toBe("replica");
  });

  it("GET /users: a JSON array newest first, and pages through the Link header to the end", async () => {
    const tag = `pager${run}`;
    const ids: number[] = [];
    let token = "";
    for (let i = 0; i < 5; i++) {
      const { response, user } = await create({ name: `${tag} ${i}`, email: `page${i}-${run}@example.com` });
      ids.push(user.id);
      token = response.headers.get("x-consistency-token")!;
    }
    const seen: number[] = [];
    let next: string | undefined = `${h.url}/api/users?search=${tag}&limit=2`;
    let pages = 0;
    while (next) {
      // The last write's token on every page, as a client that reads its own writes sends it: without
      // it a replica still replaying the fifth create may answer without it (CI saw [5, 4, 3, 2]).
      const response: Response = await fetch(next, { headers: { "x-consistency-token": token } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as User[];
      expect(Array.isArray(page)).toBe(true);
      seen.push(...page.map((u) => u.id));
      const link: string | null = response.headers.get("link");
      const target = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (link) expect(target, link).toBeDefined();
      next = target && new URL(target, next).href; // relative to the request's URL (RFC 8288)
      pages++;
    }
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it("GET /users?sort=name: X-Total-Count, and the Link header pages by offset to the end", async () => {
    const tag = `restsort${run}`;
    let token = "";
    for (const n of ["Cy", "Ab", "Bo"])
      token = (await create({ name: `${n} ${tag}`, email: `${n}-${run}@example.com` })).response.headers.get(
        "x-consistency-token",
      )!;
    const headers = { "x-consistency-token": token };
    const first = await fetch(`${h.url}/api/users?search=${tag}&sort=name&limit=2`, { headers });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-total-count")).toBe("3");
    expect(((await first.json()) as User[]).map((u) => u.name)).toEqual([`Ab ${tag}`, `Bo ${tag}`]);
    const link = first.headers.get("link");
    expect(link).toBe(`</api/users?search=${tag}&sort=name&limit=2&offset=2>; rel="next"`);
    const second = await fetch(new URL(/^<([^>]+)>/.exec(link!)![1], h.url), { headers });
    expect(((await second.json()) as User[]).map((u) => u.name)).toEqual([`Cy ${tag}`]);
    expect(second.headers.get("link")).toBeNull();
    expect(second.headers.get("x-total-count")).toBe("3");
  });

  it("GET /users without parameters: 20 newest, and the node that served it", async () => {
    const response = await h.request("/api/users");
    const page = (await response.json()) as User[];
    expect(page.length).toBeLessThanOrEqual(20);
    expect(page.map((u) => u.id)).toEqual([...page.map((u) => u.id)].sort((a, b) => b - a));
    expect(response.headers.get("x-served-by")).toMatch(/^replica[12]$/);
    expect(response.headers.get("x-served-by-reason")).toBe("replica");
  });

  it("PATCH and DELETE /users/:id, each with its token; then 404", async () => {
    const { user } = await create();
    const patched = await send("PATCH", `/api/users/${user.id}`, { name: "Renamed" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toEqual({ ...user, name: "Renamed" });
    expect(patched.headers.get("x-consistency-token")).toMatch(TOKEN);

    const deleted = await send("DELETE", `/api/users/${user.id}`);
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as User).id).toBe(user.id);
    const token = deleted.headers.get("x-consistency-token")!;
    const gone = await expectProblem(
      await h.request(`/api/users/${user.id}`, { headers: { "x-consistency-token": token } }),
      404,
      "NOT_FOUND",
    );
    expect(gone.consistency).toBeUndefined(); // the token was honoured: the user is gone, no write was lost
    await expectProblem(await send("DELETE", `/api/users/${user.id}`), 404, "NOT_FOUND");
    await expectProblem(await send("PATCH", `/api/users/${user.id}`, { name: "Ghost" }), 404, "NOT_FOUND");
  });

  it("names the path the client used in Location and Link when the proxy rewrote /users to /api/users", async () => {
    const bare = { "x-tandem-rest-bare-path": "1" };
    const { response, user } = await create(newUser(), bare);
    expect(response.headers.get("location")).toBe(`/users/${user.id}`);
    const list = await h.request("/api/users?limit=1", { headers: bare });
    expect(list.headers.get("link")).toMatch(/^<\/users\?limit=1&cursor=\d+>; rel="next"$/);
  });
});

describe("errors are problem+json", () => {
  it("422 with a pointer per invalid body field", async () => {
    const problem = await expectProblem(
      await send("POST", "/api/users", { name: " ", email: "nope" }),
      422,
      "BAD_REQUEST",
    );
    expect(problem.errors).toEqual([
      { detail: "Name is required", pointer: "#/name" },
      { detail: "Enter a valid email address", pointer: "#/email" },
    ]);
    const nothing = await expectProblem(await send("PATCH", "/api/users/1", {}), 422);
    expect(nothing.errors).toEqual([{ detail: "Give a name or an email to change", pointer: "#" }]);
    await expectProblem(await send("POST", "/api/users", [1, 2]), 422);
  });

  it("400 with the parameter named for a bad path or query value", async () => {
    expect((await expectProblem(await h.request("/api/users/abc"), 400)).errors).toEqual([
      { detail: "id must be a number", parameter: "id" },
    ]);
    expect((await expectProblem(await h.request("/api/users/0"), 400)).errors).toEqual([
      { detail: "id must be positive", parameter: "id" },
    ]);
    expect((await expectProblem(await h.request("/api/users?limit=500"), 400)).errors).toEqual([
      { detail: "limit must be from 1 to 100", parameter: "limit" },
    ]);
    expect((await expectProblem(await h.request("/api/users?limit=1e1"), 400)).errors).toEqual([
      { detail: "limit must be a number", parameter: "limit" },
    ]);
    expect((await expectProblem(await h.request("/api/users?cursor=1&cursor=2"), 400)).errors?.[0].parameter).toBe(
      "cursor",
    );
    await expectProblem(await send("PATCH", "/api/users/abc", { name: "x" }), 400);
  });

  it("400 for malformed JSON, a malformed token or key header, or an id in the body that is not the path's", async () => {
    const malformed = await h.request("/api/users", { method: "POST", headers: JSON_HEADERS, body: '{"name": "A",' });
    expect((await expectProblem(malformed, 400, "PARSE_ERROR")).detail).toMatch(/^The body is not valid JSON/);
    expect(
      (await expectProblem(await h.request("/api/users", { headers: { "x-consistency-token": "yesterday" } }), 400))
        .detail,
    ).toMatch(/x-consistency-token header must be a consistency token like 2:0\/3000148/);
    await expectProblem(await send("POST", "/api/users", newUser(), { "idempotency-key": '"unterminated' }), 400);
    await expectProblem(await send("PATCH", "/api/users/5", { id: 6, name: "x" }), 400);
  });

  it("415 for a body that is not JSON, 413 for a huge one", async () => {
    const form = await h.request("/api/users", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=A&email=a@x.org",
    });
    expect((await expectProblem(form, 415, "UNSUPPORTED_MEDIA_TYPE")).detail).toMatch(
      /Content-Type: application\/json \(not application\/x-www-form-urlencoded\)/,
    );
    await expectProblem(await send("POST", "/api/users", { name: "x".repeat(70_000), email: "a@b.org" }), 413);
    await expectProblem(
      await h.request("/api/users", {
        method: "POST",
        headers: { ...JSON_HEADERS, "content-length": "100000" },
        body: "x".repeat(100_000),
      }),
      413,
    );
    // The same limits as tRPC (request-limits.ts): a body streamed without a length is cut at the limit, a long URL is 414.
    const chunked = new ReadableStream({
      start: (c) => {
        c.enqueue(new TextEncoder().encode(`{"name":"${"x".repeat(100_000)}"}`));
        c.close();
      },
    });
    await expectProblem(
      await h.request("/api/users", {
        method: "POST",
        headers: JSON_HEADERS,
        body: chunked,
        duplex: "half",
      } as RequestInit),
      413,
    );
    await expectProblem(await h.request(`/api/users?search=${"a".repeat(9_000)}`), 414);
  });

  it("409 for a duplicate email", async () => {
    const { user } = await create();
    const problem = await expectProblem(
      await send("POST", "/api/users", { name: "Twin", email: user.email.toUpperCase() }),
      409,
      "CONFLICT",
    );
    expect(problem.detail).toBe("A user with this email already exists");
  });

  it("404 for an unknown path, 405 with Allow for an unsupported method", async () => {
    await expectProblem(await h.request("/api/users/1/friends"), 404);
    const put = await send("PUT", "/api/users/1", { name: "x" });
    expect(put.headers.get("allow")).toBe("GET, PATCH, DELETE");
    await expectProblem(put, 405);
  });
});

describe("read-your-writes through x-consistency-token", () => {
  it("reads a write back with the token while both replicas' replay is paused; without it, the replica has not got it", async () => {
    await h.withReplayPaused(async () => {
      const { response, user } = await create();
      const token = response.headers.get("x-consistency-token")!;
      const withToken = await h.request(`/api/users/${user.id}`, { headers: { "x-consistency-token": token } });
      expect(withToken.status).toBe(200);
      expect(await withToken.json()).toEqual(user);
      expect(withToken.headers.get("x-served-by")).toBe("primary");
      expect(withToken.headers.get("x-served-by-reason")).toBe("fallback");
      expect(withToken.headers.get("x-served-by-detail")).toContain(token);

      const withoutToken = await h.request(`/api/users/${user.id}`);
      expect(withoutToken.headers.get("x-served-by")).toMatch(/^replica[12]$/);
      await expectProblem(withoutToken, 404);
    });
  });
});

describe("a 404 whose read could not honour the client's token", () => {
  it("carries the read's consistency notice (tRPC's data.consistency) as the problem's `consistency` member", async () => {
    // A token on a timeline the primary never had stands for a write this cluster does not have: the same
    // notice as a write a failover lost (write-lost), without the failover.
    const response = await h.request("/api/users/2147483647", { headers: { "x-consistency-token": "99:0/10" } });
    expect(response.headers.get("x-served-by")).toBe("primary");
    expect(response.headers.get("x-served-by-reason")).toBe("token-ahead");
    const problem = await expectProblem(response, 404, "NOT_FOUND");
    expect(problem.consistency).toEqual({ reason: "token-ahead", detail: expect.stringContaining("99:0/10") });
    expect(problem.detail).toBe(`User not found (${problem.consistency?.detail})`);
    const overTrpc = await h.rpc("user.byId", { id: 2147483647 }, { headers: { "x-consistency-token": "99:0/10" } });
    expect(overTrpc.error?.data.consistency).toEqual(problem.consistency);
  });
});

describe("Idempotency-Key", () => {
  const key = () => `${run}-${++seq}-${Math.random().toString(36).slice(2)}`;

  it("a retry with the same key and body gets the first answer (status, body, token) and makes no second row", async () => {
    const input = newUser();
    const k = key();
    const first = await create(input, { "idempotency-key": k });
    const again = await send("POST", "/api/users", input, { "idempotency-key": `"${k}"` }); // the draft's quoted form is the same key
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(first.user);
    for (const header of ["location", "x-consistency-token", "x-served-by"])
      expect(again.headers.get(header), header).toBe(first.response.headers.get(header));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.response.headers.get("idempotent-replayed")).toBeNull();
    expect(await countUsersWithEmail(input.email)).toBe(1);
  });

  it("concurrent requests with one key make one change, and all get its answer", async () => {
    const input = newUser();
    const k = key();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => send("POST", "/api/users", input, { "idempotency-key": k })),
    );
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<User>));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect(await countUsersWithEmail(input.email)).toBe(1);
  });

  it("an answer lost on the way (the client gave up) is safe to retry: the change was made once", async () => {
    const input = newUser();
    const k = key();
    const gaveUp = new AbortController();
    const lost = send("POST", "/api/users", input, { "idempotency-key": k }, gaveUp.signal).catch((e: Error) => e);
    // The client hangs up as soon as the row is committed, before reading the answer.
    await waitFor("the write to commit", async () =>
      (await countUsersWithEmail(input.email)) === 1 ? true : undefined,
    );
    gaveUp.abort();
    await lost;
    const retry = await send("POST", "/api/users", input, { "idempotency-key": k });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await countUsersWithEmail(input.email)).toBe(1);
  });

  it("the same key with another body or another operation is 422, and changes nothing", async () => {
    const k = key();
    const { user } = await create(newUser(), { "idempotency-key": k });
    const other = newUser();
    const problem = await expectProblem(
      await send("POST", "/api/users", other, { "idempotency-key": k }),
      422,
      "UNPROCESSABLE_CONTENT",
    );
    expect(problem.detail).toMatch(/already used for a different request/);
    expect(await countUsersWithEmail(other.email)).toBe(0);
    await expectProblem(await send("DELETE", `/api/users/${user.id}`, undefined, { "idempotency-key": k }), 422);
    expect(
      (await h.request(`/api/users/${user.id}`, { headers: { "x-consistency-token": "99:FFFFFFFF/FFFFFFFF" } })).status,
    ).toBe(200);
  });

  it("records nothing for a request that failed: its retry runs again", async () => {
    const { user } = await create();
    const k = key();
    const twin = { name: "Twin", email: user.email };
    await expectProblem(await send("POST", "/api/users", twin, { "idempotency-key": k }), 409);
    await expectProblem(await send("POST", "/api/users", twin, { "idempotency-key": k }), 409);
    expect(await queryOne(h.cluster.primaryUrl, "SELECT 1 FROM idempotency_keys WHERE key = $1", [k])).toBeUndefined();
  });

  it("covers tRPC mutations too, with the same keys: a tRPC call retried over REST replays", async () => {
    const input = newUser();
    const k = key();
    const first = await h.rpc("user.create", input, { type: "mutation", headers: { "idempotency-key": k } });
    const second = await h.rpc("user.create", input, { type: "mutation", headers: { "idempotency-key": k } });
    expect(first.status).toBe(200);
    expect(second.result).toEqual(first.result);
    const overRest = await send("POST", "/api/users", input, { "idempotency-key": k });
    expect(overRest.status).toBe(201);
    expect(((await overRest.json()) as User).id).toBe((first.result as { user: { id: number } }).user.id);
    expect(
      (await h.rpc("user.create", newUser(), { type: "mutation", headers: { "idempotency-key": k } })).error?.data.code,
    ).toBe("UNPROCESSABLE_CONTENT");
    expect(await countUsersWithEmail(input.email)).toBe(1);
  });

  it("forgets a key after its TTL (the same request then runs again), and sweeps expired keys", async () => {
    const input = newUser();
    const k = key();
    await create(input, { "idempotency-key": k });
    await queryOne(
      h.cluster.primaryUrl,
      "UPDATE idempotency_keys SET expires_at = CURRENT_TIMESTAMP - interval '1 second' WHERE key = $1",
      [k],
    );
    // Run again: the user exists, so this time the answer is the duplicate's 409, not a replay.
    await expectProblem(await send("POST", "/api/users", input, { "idempotency-key": k }), 409);
    // Expired and another body: a new request for the key, not a 422.
    const { user } = await create(newUser(), { "idempotency-key": k });
    expect(user.id).toBeGreaterThan(0);

    const stale = key();
    await create(newUser(), { "idempotency-key": stale });
    await queryOne(
      h.cluster.primaryUrl,
      "UPDATE idempotency_keys SET expires_at = CURRENT_TIMESTAMP - interval '1 second' WHERE key = $1",
      [stale],
    );
    const interval = h.services.idempotency.sweepIntervalMs;
    h.services.idempotency.sweepIntervalMs = 0;
    try {
      await create(newUser(), { "idempotency-key": key() });
    } finally {
      h.services.idempotency.sweepIntervalMs = interval;
    }
    expect(
      await queryOne(h.cluster.primaryUrl, "SELECT 1 FROM idempotency_keys WHERE key = $1", [stale]),
    ).toBeUndefined();
    // The live key (taken over by the new request above) stays, kept for the TTL.
    const live = await queryOne<{ hours: string }>(
      h.cluster.primaryUrl,
      "SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = $1",
      [k],
    );
    expect(Number(live?.hours)).toBeCloseTo(24, 5);
  });
});

describe("one source of truth", () => {
  it("the OpenAPI document is valid OpenAPI 3.1 and describes every REST route from the procedures", async () => {
    const response = await h.request("/api/openapi.json");
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    };
    const validation = await new Validator().validate(document as never);
    expect(validation, JSON.stringify(validation.errors)).toMatchObject({ valid: true });
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    expect(operations.sort()).toEqual(restRoutes.map((r) => `${r.rest.method} ${r.rest.path} ${r.procedure}`).sort());
    expect(operations).toHaveLength(5);
    expect(Object.keys(document.paths["/users"].post.responses)).toEqual(
      expect.arrayContaining(["201", "409", "422", "503"]),
    );
  });

  it("leaves the tRPC procedures' validation as it was (no coercion leaks from REST's text parameters)", async () => {
    await h.request("/api/users/1");
    for (const id of ["1", true, null])
      expect((await h.rpc("user.byId", { id })).error?.data.code, String(id)).toBe("BAD_REQUEST");
  });
});

describe("a stopped primary (last: it changes the cluster)", () => {
  it("answers writes 503 problem+json with Retry-After and retry advice; reads keep working", async () => {
    await h.stopPrimary();

    const withKey = await send("POST", "/api/users", newUser(), { "idempotency-key": key() });
    expect(withKey.headers.get("retry-after")).toBe("2");
    const problem = await expectProblem(withKey, 503, "SERVICE_UNAVAILABLE");
    expect(problem.detail).toMatch(
      /^The database is unavailable: primary cannot be reached\..*Retrying with the same Idempotency-Key is safe/,
    );
    const withoutKey = await expectProblem(await send("DELETE", "/api/users/1"), 503);
    expect(withoutKey.detail).toMatch(/Send writes with an Idempotency-Key header to make retrying them safe/);

    // tRPC's 503 says when to retry too.
    const overTrpc = await h.request("/api/trpc/user.create", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ json: newUser() }),
    });
    expect(overTrpc.status).toBe(503);
    expect(overTrpc.headers.get("retry-after")).toBe("2");

    const read = await h.request("/api/users?limit=1");
    expect(read.status).toBe(200);
    expect(read.headers.get("x-served-by")).toMatch(/^replica[12]$/);
  });

  function key() {
    return `${run}-down-${++seq}`;
  }
});
