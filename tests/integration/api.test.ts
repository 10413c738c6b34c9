/**
 * The tRPC API end to end: the real router behind the real fetch handler, over HTTP, on a real data
 * layer over a throwaway cluster. Users (happy paths, validation, conflicts, paging, read-your-writes
 * through the shared client links), admin procedures (auth, status, pause/resume, probe, promote),
 * health, metrics, db:verify's check 6, and last, a stopped primary.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePorts } from "~/cluster/ports";
import { grantRuntimePrivileges } from "~/cluster/roles";
import { queryOne, withClient } from "~/cluster/sql";
import { topologyOfState } from "~/cluster/topology";
import { applicationCheck } from "~/cluster/verify";
import { waitFor } from "~/cluster/wait-for";
import { INTERNAL_ERROR_MESSAGE } from "~/server/api/errors";
import { createDataLayer } from "~/server/db/index";
import { createApiClient } from "~/trpc/api-client";
import { type ApiHarness, startApiHarness, TEST_ADMIN_TOKEN, TEST_DATA_LAYER_SETTINGS } from "../support/api-harness";
import { parsePrometheusText } from "../support/prometheus-text";
import { clusterCli } from "../support/run";

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

const LSN = /^[0-9A-F]+\/[0-9A-F]+$/;
/** A consistency token: timeline, then WAL position. */
const TOKEN = /^\d+:[0-9A-F]+\/[0-9A-F]+$/;
const ADMIN = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const run = Date.now().toString(36);
let seq = 0;
const newUser = (name = `User ${++seq}`) => ({ name, email: `user${++seq}-${run}@example.com` });

describe("users", () => {
  it("creates, reads, updates and deletes, each answer saying which node served it", async () => {
    const api = createApiClient(h.url);
    const created = await api.user.create.mutate({ name: "  Ada Lovelace ", email: ` Ada.${run}@Example.COM ` });
    expect(created.user).toMatchObject({ name: "Ada Lovelace", email: `ada.${run}@example.com` });
    expect(created.user.createdAt).toBeInstanceOf(Date); // superjson
    expect(created.servedBy).toMatchObject({ node: "primary", role: "primary" });
    expect(created.consistencyToken).toMatch(TOKEN);

    // The client's links sent the token: served by a replica that has the write, or by the primary.
    const read = await api.user.byId.query({ id: created.user.id });
    expect(read.user).toEqual(created.user);
    expect(read.servedBy.reason, read.servedBy.detail).not.toBe("replica");

    const updated = await api.user.update.mutate({ id: created.user.id, name: "Ada King" });
    expect(updated.user).toMatchObject({ id: created.user.id, name: "Ada King", email: created.user.email });
    expect(updated.servedBy.node).toBe("primary");
    expect(updated.consistencyToken).toMatch(TOKEN);
    expect((await api.user.byId.query({ id: created.user.id })).user.name).toBe("Ada King");

    const found = await api.user.list.query({ search: `ADA.${run}` });
    expect(found.items.map((u) => u.id)).toEqual([created.user.id]);

    const deleted = await api.user.delete.mutate({ id: created.user.id });
    expect(deleted.user.id).toBe(created.user.id);
    await expect(api.user.byId.query({ id: created.user.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("sends reads without a token to both replicas, round robin, and says so", async () => {
    const caller = await h.caller();
    const served = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const { servedBy } = await caller.user.list({ limit: 1 });
      expect(servedBy).toMatchObject({ role: "replica", reason: "replica" });
      served.add(servedBy.node);
    }
    expect([...served].sort()).toEqual(["replica1", "replica2"]);
  });

  it("pages newest first by id with a cursor (limit 20 by default) and searches name or email case-insensitively", async () => {
    const api = createApiClient(h.url);
    const tag = `pager${run}`;
    const ids: number[] = [];
    for (let i = 0; i < 25; i++)
      ids.push((await api.user.create.mutate({ name: `${tag} ${i}`, email: `p${i}-${run}@example.com` })).user.id);
    const newestFirst = [...ids].reverse();

    const first = await api.user.list.query({ search: tag.toUpperCase() });
    expect(first.items.map((u) => u.id)).toEqual(newestFirst.slice(0, 20));
    expect(first.nextCursor).toBe(newestFirst[19]);
    const second = await api.user.list.query({ search: tag, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((u) => u.id)).toEqual(newestFirst.slice(20));
    expect(second.nextCursor).toBeNull();

    const small = await api.user.list.query({ search: tag, limit: 10 });
    expect(small.items).toHaveLength(10);

    const byEmail = await api.user.list.query({ search: `P3-${run}@EXAMPLE` });
    expect(byEmail.items.map((u) => u.name)).toEqual([`${tag} 3`]);
  });

  it("sorts by name or creation, pages by offset, and counts what the search matches, all from the node that has the client's writes", async () => {
    const api = createApiClient(h.url); // sends the last write's token: the count includes every create below
    const tag = `sorter${run}`;
    const names = ["Cleo", "Alma", "Bea", "Dora", "Ezra"].map((n) => `${n} ${tag}`);
    const ids: number[] = [];
    for (const [i, name] of names.entries())
      ids.push((await api.user.create.mutate({ name, email: `s${i}-${run}@example.com` })).user.id);

    const byName = await api.user.list.query({ search: tag, sort: "name", limit: 2 });
    expect(byName.total).toBe(5);
    expect(byName.items.map((u) => u.name.split(" ")[0])).toEqual(["Alma", "Bea"]);
    expect(byName.nextCursor).toBeNull(); // sorted lists page by offset
    expect(byName.nextOffset).toBe(2);
    const rest = await api.user.list.query({ search: tag, sort: "name", offset: 2, limit: 10 });
    expect(rest.items.map((u) => u.name.split(" ")[0])).toEqual(["Cleo", "Dora", "Ezra"]);
    expect(rest.nextOffset).toBeNull();
    expect(rest.total).toBe(5);

    expect((await api.user.list.query({ search: tag, sort: "name-desc", limit: 1 })).items[0].name).toBe(`Ezra ${tag}`);
    expect((await api.user.list.query({ search: tag, sort: "oldest" })).items.map((u) => u.id)).toEqual(ids);
    // Newest first by offset: the same rows as by cursor, and the next page named as an offset.
    const newest = await api.user.list.query({ search: tag, offset: 1, limit: 3 });
    expect(newest.items.map((u) => u.id)).toEqual([...ids].reverse().slice(1, 4));
    expect(newest).toMatchObject({ nextOffset: 4, nextCursor: null, total: 5 });
    expect((await api.user.list.query({ search: tag, offset: 10 })).items).toEqual([]);
    expect((await api.user.list.query({ search: `nothing-${run}` })).total).toBe(0);
  });

  it("keeps names in any script, with accents, emoji and joiners, as they were typed", async () => {
    const api = await h.caller();
    // Arabic and Hebrew (right-to-left without overrides), a decomposed accent, a ZWJ emoji sequence.
    for (const name of ["محمد علي", "שרה כהן", "Zoe\u0308 Chloé", "Ada 👩\u200d💻 Lovelace"]) {
      const { user } = await api.user.create(newUser(name));
      expect(user.name).toBe(name);
    }
  });

  it("treats % and _ in a search as text, not wildcards", async () => {
    const api = createApiClient(h.url);
    await api.user.create.mutate(newUser(`100% sure ${run}`));
    await api.user.create.mutate(newUser(`under_score ${run}`));
    await api.user.create.mutate(newUser(`underXscore ${run}`));
    expect((await api.user.list.query({ search: `under_score ${run}` })).items.map((u) => u.name)).toEqual([
      `under_score ${run}`,
    ]);
    expect((await api.user.list.query({ search: `0% sure ${run}` })).items.map((u) => u.name)).toEqual([
      `100% sure ${run}`,
    ]);
  });
});

describe("errors clients see", () => {
  const valid = { name: "Valid Name", email: "valid@example.com" };
  it.each([
    ["user.create", "mutation", { ...valid, name: "" }, "name", /Name is required/],
    ["user.create", "mutation", { ...valid, name: "   " }, "name", /Name is required/],
    ["user.create", "mutation", { ...valid, name: "x".repeat(101) }, "name", /at most 100 characters/],
    ["user.create", "mutation", { ...valid, name: "a\u0000b" }, "name", /must not contain control characters/],
    ["user.update", "mutation", { id: 1, name: "tab\there" }, "name", /must not contain control characters/],
    ["user.create", "mutation", { ...valid, name: "\u200b" }, "name", /Name is required/],
    ["user.create", "mutation", { ...valid, name: "\u200b \u2060" }, "name", /Name is required/],
    ["user.create", "mutation", { ...valid, name: "next\u0085line" }, "name", /must not contain control characters/],
    ["user.create", "mutation", { ...valid, name: "evil\u202egnp.exe" }, "name", /must not contain control characters/],
    [
      "user.create",
      "mutation",
      { ...valid, name: "half \ud800 a pair" },
      "name",
      /must not contain control characters/,
    ],
    ["user.create", "mutation", { ...valid, name: 42 }, "name", /Name must be text/],
    ["user.create", "mutation", { email: valid.email }, "name", /Name is required/],
    ["user.create", "mutation", { name: valid.name }, "email", /Email is required/],
    ["user.create", "mutation", { ...valid, email: "not-an-email" }, "email", /valid email/],
    ["user.create", "mutation", { ...valid, email: `${"a".repeat(250)}@b.co` }, "email", /at most 254 characters/],
    ["user.list", "query", { limit: 0 }, "limit", /from 1 to 100/],
    ["user.list", "query", { limit: 101 }, "limit", /from 1 to 100/],
    ["user.list", "query", { limit: 2.5 }, "limit", /whole number/],
    ["user.list", "query", { cursor: -1 }, "cursor", /positive/],
    ["user.list", "query", { sort: "email" }, "sort", /one of newest, oldest, name, name-desc/],
    ["user.list", "query", { offset: -1 }, "offset", /must not be negative/],
    ["user.list", "query", { cursor: 5, offset: 10 }, "cursor", /a cursor or an offset, not both/],
    ["user.list", "query", { cursor: 5, sort: "name" }, "cursor", /newest first only/],
    ["user.list", "query", { search: "s".repeat(101) }, "search", /at most 100/],
    ["user.list", "query", { search: "nul\u0000" }, "search", /must not contain control characters/],
    ["user.byId", "query", { id: 0 }, "id", /positive/],
    ["user.byId", "query", { id: 2_147_483_648 }, "id", /at most 2147483647/],
    ["user.byId", "query", { id: "1" }, "id", /must be a number/],
    ["user.update", "mutation", { id: 1, email: "nope" }, "email", /valid email/],
    ["user.delete", "mutation", { id: 1.5 }, "id", /whole number/],
  ] as const)("%s %j → BAD_REQUEST on %s", async (procedure, type, input, field, message) => {
    const { status, error } = await h.rpc(procedure, input, { type });
    expect(status).toBe(400);
    expect(error?.data.code).toBe("BAD_REQUEST");
    expect(error?.data.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(error?.message).toMatch(new RegExp(`^Invalid input: ${field}: `));
    expect(error?.data.stack).toBeUndefined();
  });

  it("refuses an update that changes nothing, as a form error", async () => {
    const { status, error } = await h.rpc("user.update", { id: 1 }, { type: "mutation" });
    expect(status).toBe(400);
    expect(error?.data.formErrors).toEqual(["Give a name or an email to change"]);
  });

  it("answers CONFLICT for a duplicate email, also when it differs only in case and spaces", async () => {
    const api = createApiClient(h.url);
    const first = newUser();
    const existing = await api.user.create.mutate(first);
    const { status, error, text } = await h.rpc(
      "user.create",
      { name: "Someone", email: ` ${first.email.toUpperCase()}` },
      { type: "mutation" },
    );
    expect(status).toBe(409);
    expect(error).toMatchObject({ message: "A user with this email already exists", data: { code: "CONFLICT" } });
    expect(text).not.toMatch(/users_email_key|Prisma|invocation|23505/);

    const other = await api.user.create.mutate(newUser());
    await expect(api.user.update.mutate({ id: other.user.id, email: existing.user.email })).rejects.toMatchObject({
      message: "A user with this email already exists",
      data: { code: "CONFLICT" },
    });
  });

  it.each([
    ["user.byId", "query", { id: 2_000_000_000 }],
    ["user.update", "mutation", { id: 2_000_000_000, name: "Nobody" }],
    ["user.delete", "mutation", { id: 2_000_000_000 }],
  ] as const)("answers NOT_FOUND for a missing id on %s", async (procedure, type, input) => {
    const { status, error, text } = await h.rpc(procedure, input, { type });
    expect(status).toBe(404);
    expect(error).toMatchObject({ message: "User not found", data: { code: "NOT_FOUND" } });
    expect(text).not.toMatch(/P2025|Prisma|invocation/);
  });

  it.each(["not-a-token", "0/", "1/2/3", "0/3000148; DROP TABLE users"])(
    "refuses a malformed x-consistency-token (%s) with BAD_REQUEST",
    async (token) => {
      const { status, error } = await h.rpc("user.list", {}, { headers: { "x-consistency-token": token } });
      expect(status).toBe(400);
      expect(error?.message).toMatch(/consistency token like 2:0\/3000148/);
    },
  );

  it("hides an unexpected database error behind a generic 500 and logs the cause server-side", async () => {
    // A real failure the API has no meaning for: a CHECK constraint Prisma does not know about (DDL: the
    // owner's, the runtime role may not alter tables).
    await queryOne(
      h.cluster.ownerUrl,
      "ALTER TABLE users ADD CONSTRAINT tandem_test_no_forbidden CHECK (name <> 'forbidden')",
    );
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const { status, error, text } = await h.rpc("user.create", newUser("forbidden"), { type: "mutation" });
      expect(status).toBe(500);
      expect(error).toMatchObject({ message: INTERNAL_ERROR_MESSAGE, data: { code: "INTERNAL_SERVER_ERROR" } });
      expect(error?.data.stack).toBeUndefined();
      expect(text).not.toMatch(/tandem_test_no_forbidden|violates|Prisma|invocation|INSERT|users/i);
      expect(logged.mock.calls.flat().map(String).join("\n")).toMatch(/user\.create failed/);
    } finally {
      logged.mockRestore();
      await queryOne(h.cluster.ownerUrl, "ALTER TABLE users DROP CONSTRAINT tandem_test_no_forbidden");
    }
  });
});

describe("read-your-writes across requests", () => {
  it("create then byId with the returned token returns the user even while both replicas are frozen", async () => {
    await h.withReplayPaused(async () => {
      const { user, consistencyToken } = await (await h.caller()).user.create(newUser());
      for (const replicaUrl of h.cluster.replicaUrls) {
        expect(await queryOne(replicaUrl, "SELECT 1 FROM users WHERE id = $1", [user.id])).toBeUndefined();
      }
      const read = await (await h.caller({ "x-consistency-token": consistencyToken })).user.byId({ id: user.id });
      expect(read.user.id).toBe(user.id);
      expect(read.servedBy).toMatchObject({ node: "primary", reason: "fallback" });
      expect(read.servedBy.detail).toContain(consistencyToken);
    });
  });
});

describe("a consistency token no replica will reach (sent by anyone)", () => {
  it("answers a token ahead of the primary at once, from the primary, saying so, and asks no replica", async () => {
    const questions = vi.spyOn(
      h.db.monitor as unknown as { askReplay: (name: string) => Promise<unknown> },
      "askReplay",
    );
    try {
      for (const token of ["FFFFFFFF/FFFFFFFF", "1:FFFFFFFF/FFFFFFFF", "99:0/10"]) {
        const api = await h.caller({ "x-consistency-token": token });
        const started = performance.now();
        const reads = await Promise.all(Array.from({ length: 20 }, () => api.user.list({ limit: 1 })));
        expect(performance.now() - started, token).toBeLessThan(h.db.monitor.maxLagMs); // nothing waited for
        for (const { servedBy } of reads)
          expect(servedBy, token).toMatchObject({ node: "primary", reason: "token-ahead", waitedMs: 0 });
      }
      expect(questions).not.toHaveBeenCalled();
    } finally {
      questions.mockRestore();
    }
  });

  it("costs the replicas no more when twenty requests wait for a write no replica replays than when one does", async () => {
    const admin = await h.caller(ADMIN);
    await admin.replication.pauseReplay({ node: "replica1" });
    await admin.replication.pauseReplay({ node: "replica2" });
    const questions = vi.spyOn(
      h.db.monitor as unknown as { askReplay: (name: string) => Promise<unknown> },
      "askReplay",
    );
    try {
      const { consistencyToken } = await (await h.caller()).user.create(newUser());
      const api = await h.caller({ "x-consistency-token": consistencyToken });
      await expect(api.user.list({ limit: 1 })).resolves.toMatchObject({
        servedBy: { node: "primary", reason: "fallback" },
      });
      const forOne = questions.mock.calls.length;
      questions.mockClear();
      const reads = await Promise.all(Array.from({ length: 20 }, () => api.user.list({ limit: 1 })));
      expect(reads.every((r) => r.servedBy.reason === "fallback")).toBe(true);
      // The waits share their questions: one in flight per replica, so twenty readers ask about as often as one.
      expect(forOne).toBeGreaterThan(0);
      expect(
        questions.mock.results.map((r) => r.value).filter((v, i, all) => all.indexOf(v) === i).length,
      ).toBeLessThan(forOne * 3);
    } finally {
      questions.mockRestore();
      await admin.replication.resumeReplay({ node: "replica1" });
      await admin.replication.resumeReplay({ node: "replica2" });
    }
  });
});

describe("consistency.progress: a write reaching each replica", () => {
  it("says which replicas have replayed a write, one paused behind until resumed", async () => {
    const admin = await h.caller(ADMIN);
    const api = await h.caller();
    await admin.replication.pauseReplay({ node: "replica1" });
    try {
      const { consistencyToken } = await api.user.create(newUser());
      // replica2 replays within milliseconds; replica1 stays behind, saying why.
      await waitFor("replica2 to replay the write", async () => {
        const { nodes } = await api.consistency.progress({ token: consistencyToken });
        return nodes.find((n) => n.node === "replica2")?.state === "replayed" ? true : undefined;
      });
      const { nodes } = await api.consistency.progress({ token: consistencyToken });
      expect(nodes).toEqual([
        { node: "replica1", state: "behind", replayPaused: true },
        { node: "replica2", state: "replayed", replayPaused: false },
      ]);

      await admin.replication.resumeReplay({ node: "replica1" });
      await waitFor("replica1 to replay the write after the resume", async () => {
        const progress = await api.consistency.progress({ token: consistencyToken });
        return progress.nodes.every((n) => n.state === "replayed") ? true : undefined;
      });
    } finally {
      await admin.replication.resumeReplay({ node: "replica1" });
    }
  });

  it("refuses a token that is not a WAL position, with a sentence", async () => {
    for (const token of ["", "yesterday", "0/XYZ", "1/2/3"]) {
      const response = await h.rpc("consistency.progress", { token });
      expect(response.status, token).toBe(400);
      expect(response.error?.message).toMatch(/token must be a consistency token like 2:0\/3000148/);
    }
  });
});

describe("admin procedures", () => {
  const adminCalls = [
    ["replication.status", "query", undefined],
    ["replication.pauseReplay", "mutation", { node: "replica1" }],
    ["replication.resumeReplay", "mutation", { node: "replica1" }],
    ["replication.promote", "mutation", { node: "replica1" }],
    ["replication.probe", "mutation", undefined],
    ["replication.lagHistory", "query", undefined],
    ["replication.events", "query", undefined],
    ["replication.traffic", "query", undefined],
  ] as const;

  it.each(adminCalls)("%s is UNAUTHORIZED without a token and with a wrong one", async (procedure, type, input) => {
    const missing = await h.rpc(procedure, input, { type });
    expect(missing.status).toBe(401);
    expect(missing.error?.message).toMatch(/Authorization: Bearer/);
    for (const authorization of [
      `Bearer ${TEST_ADMIN_TOKEN}x`,
      "Bearer wrong",
      `Basic ${TEST_ADMIN_TOKEN}`,
      TEST_ADMIN_TOKEN,
    ]) {
      const wrong = await h.rpc(procedure, input, { type, headers: { authorization } });
      expect(wrong.status, authorization).toBe(401);
    }
  });

  it("status: one merged view per node, in the shared role vocabulary, no passwords", async () => {
    const { status, result, text } = await h.rpc("replication.status", undefined, { headers: ADMIN });
    expect(status).toBe(200);
    expect(text).not.toContain(h.cluster.state().app.password);
    expect(text).not.toMatch(/postgresql:/);
    const report = result as Awaited<ReturnType<Awaited<ReturnType<typeof h.caller>>["replication"]["status"]>>;
    expect(report).toMatchObject({ cluster: "embedded", writer: "primary", allReplicasOut: false });
    expect(report.nodes.map((n) => [n.name, n.role, n.fenced, n.reachable, n.routing])).toEqual([
      ["primary", "primary", false, true, { routable: false, kind: "primary", detail: expect.any(String) }],
      ["replica1", "replica", false, true, { routable: true }],
      ["replica2", "replica", false, true, { routable: true }],
    ]);
    expect(report.nodes[0]).toMatchObject({
      configuredRole: "primary",
      timeline: 1,
      stream: null,
      slot: null,
      walReceiver: null,
    });
    expect(report.nodes[0].lsn).toMatch(LSN);
    for (const replica of report.nodes.slice(1)) {
      expect(replica).toMatchObject({
        configuredRole: "replica",
        timeline: 1,
        replayPaused: false,
        stream: { state: "streaming" },
        slot: { active: true },
        walReceiver: { status: "streaming" },
      });
      expect(replica.stream?.replayLsn).toMatch(LSN);
      expect(replica.lsn).toMatch(LSN);
      expect(replica.lagBytes).toBeTypeOf("number");
      expect(replica.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    }
  });

  it("status: concurrent and repeated calls share one round of details a second, over the monitor's pooled connections", async () => {
    const admin = await h.caller(ADMIN);
    await admin.replication.status(); // warm: the monitor's pools are open
    const monitorQueries = vi.spyOn(h.db.monitor, "query");
    const connects = vi.spyOn(pg.Client.prototype, "connect"); // every new PostgreSQL connection this process opens
    const oneRound = h.db.nodes.length + 1; // each node's own view, and the writer's view of its replicas
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => admin.replication.status()));
      expect(new Set(answers.map((a) => a.detailsAt)).size).toBeLessThanOrEqual(2); // the cached round, or one new one
      expect(monitorQueries.mock.calls.length).toBeLessThanOrEqual(oneRound);
      expect(connects.mock.calls.length).toBeLessThanOrEqual(2); // at most a monitor pool growing by a connection
      monitorQueries.mockClear();
      await waitFor(
        "the details to age out",
        async () => ((await admin.replication.status()).detailsAt !== answers[0].detailsAt ? true : undefined),
        { intervalMs: 50 },
      );
      expect(monitorQueries.mock.calls.length).toBeGreaterThan(0);
      expect(monitorQueries.mock.calls.length).toBeLessThanOrEqual(oneRound);
    } finally {
      monitorQueries.mockRestore();
      connects.mockRestore();
    }
  });

  it("pauseReplay and resumeReplay act on the embedded cluster, and status shows it", async () => {
    const admin = await h.caller(ADMIN);
    const paused = admin.replication.pauseReplay({ node: "replica1" });
    try {
      expect(await paused).toEqual({ node: "replica1", replay: "paused" });
      const report = await admin.replication.status();
      expect(report.nodes.find((n) => n.name === "replica1")?.replayPaused).toBe(true);
      expect(report.nodes.find((n) => n.name === "replica2")?.replayPaused).toBe(false);
    } finally {
      expect((await admin.replication.resumeReplay({ node: "replica1" })).replay).toBe("not paused");
    }
    // Both levers are in the event log, newest first, as data.
    // (The monitor's own events, e.g. its first round's "writes go to primary", may come between.)
    const events = (await admin.replication.events({ limit: 20 })).events
      .filter((e) => e.kind === "pause" || e.kind === "resume")
      .slice(0, 2);
    expect(events.map((e) => [e.kind, e.node, e.details])).toEqual([
      ["resume", "replica1", { replay: "not paused" }],
      ["pause", "replica1", { replay: "paused" }],
    ]);
    expect(events[0].id).toBeGreaterThan(events[1].id);
    expect((await admin.replication.events({ sinceId: events[0].id })).events).toEqual([]);
    await expect(admin.replication.pauseReplay({ node: "primary" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/only be paused on a replica/),
    });
    await expect(admin.replication.pauseReplay({ node: "replica9" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/Unknown node 'replica9'/),
    });
  });

  it("refuses cluster operations with PRECONDITION_FAILED when the app is not on the embedded cluster", async () => {
    const admin = await h.caller(ADMIN, { ...h.services, cluster: undefined });
    expect((await admin.replication.status()).cluster).toBe("environment");
    for (const call of [
      () => admin.replication.pauseReplay({ node: "replica1" }),
      () => admin.replication.promote({ node: "replica1" }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: "PRECONDITION_FAILED",
        message: expect.stringMatching(/act on the embedded development cluster/),
      });
    }
  });

  it("lagHistory: per replica samples that grow every second, show a paused replica's lag rising, and filter by since", async () => {
    const admin = await h.caller(ADMIN);
    const first = await admin.replication.lagHistory();
    expect(first).toMatchObject({
      windowMs: 300_000,
      resolutionMs: 1_000,
      maxLagMs: TEST_DATA_LAYER_SETTINGS.REPLICA_MAX_LAG_MS,
    });
    expect(first.replicas.map((r) => r.node)).toEqual(["replica1", "replica2"]);
    const lastAt = Math.max(...first.replicas.flatMap((r) => r.samples.map((s) => s.at)));
    expect(lastAt).toBeLessThanOrEqual(first.now);

    expect(await admin.replication.pauseReplay({ node: "replica1" })).toMatchObject({ replay: "paused" });
    try {
      // WAL must move for a paused replica to fall behind: one write, then watch its lag grow.
      await admin.user.create(newUser());
      const rising = await waitFor("replica1's sampled lag to pass 1.5 s while paused", async () => {
        const { replicas } = await admin.replication.lagHistory({ since: lastAt });
        const samples = replicas.find((r) => r.node === "replica1")?.samples ?? [];
        return samples.some((s) => (s.lagMs ?? 0) > 1_500) ? replicas : undefined;
      });
      const [replica1, replica2] = rising.map((r) => r.samples);
      expect(replica1.every((s) => s.at > lastAt)).toBe(true);
      const behind = replica1.filter((s) => (s.lagMs ?? 0) > 0);
      expect(behind.length, JSON.stringify(replica1)).toBeGreaterThanOrEqual(2);
      // Kept samples are at least a second apart and lag grows with them: the writer's position is stuck behind.
      for (let i = 1; i < behind.length; i++) {
        expect(behind[i].at - behind[i - 1].at).toBeGreaterThanOrEqual(1_000);
        expect(behind[i].lagMs).toBeGreaterThan(behind[i - 1].lagMs ?? 0);
      }
      expect(behind.at(-1)).toMatchObject({ state: "paused", lagBytes: expect.any(Number) });
      expect(behind.at(-1)?.lagBytes).toBeGreaterThan(0);
      // replica2 replayed the same write at once: same timestamps, no lag worth the name.
      expect(replica2.map((s) => s.at)).toEqual(replica1.map((s) => s.at));
      expect(replica2.at(-1)).toMatchObject({ state: "routable" });
      expect(replica2.at(-1)?.lagMs).toBeLessThan(TEST_DATA_LAYER_SETTINGS.REPLICA_MAX_LAG_MS);
    } finally {
      await admin.replication.resumeReplay({ node: "replica1" });
    }

    const latest = await admin.replication.lagHistory({ since: 0 });
    expect(latest.replicas[0].samples.length).toBeGreaterThan(first.replicas[0].samples.length);
    const newest = Math.max(...latest.replicas[0].samples.map((s) => s.at));
    expect(
      (await admin.replication.lagHistory({ since: newest })).replicas.every((r) =>
        r.samples.every((s) => s.at > newest),
      ),
    ).toBe(true);

    for (const since of ["yesterday", -1, 1.5]) {
      const bad = await h.rpc("replication.lagHistory", { since }, { headers: ADMIN });
      expect(bad.status, String(since)).toBe(400);
      expect(bad.error?.data.code).toBe("BAD_REQUEST");
      expect(bad.error?.message).toMatch(
        /^Invalid input: since: since must (be a time in milliseconds|be a whole number|not be negative)/,
      );
    }
  });

  it("traffic: reads per second on each node, from the counters /api/metrics exports", async () => {
    const admin = await h.caller(ADMIN);
    await admin.replication.traffic(); // the first sample: no rate yet
    const api = await h.caller();
    const deadline = Date.now() + 1_100;
    let reads = 0;
    while (Date.now() < deadline) {
      await api.user.list({ limit: 1 });
      reads++;
    }
    const { nodes } = await admin.replication.traffic();
    const rate = (node: string) => nodes.find((n) => n.node === node)?.points.at(-1)?.readsPerSecond ?? 0;
    // Round robin over the two replicas; none on the writer while they are healthy.
    expect(rate("replica1") + rate("replica2")).toBeGreaterThan(reads / 4);
    expect(rate("replica1")).toBeGreaterThan(0);
    expect(rate("replica2")).toBeGreaterThan(0);
    expect(rate("primary")).toBe(0);
  });

  it("probe: how long a marker written on the primary took to reach each replica", async () => {
    const { replicas } = await (await h.caller(ADMIN)).replication.probe();
    expect(replicas.map((r) => r.node)).toEqual(["replica1", "replica2"]);
    for (const r of replicas) {
      expect(r.replayed.ok && r.visible.ok, JSON.stringify(r)).toBe(true);
      expect(r.visible.ms).toBeLessThan(5_000);
    }
  });
});

describe("misconfigured URLs: a sentence, never an internal error", () => {
  /** A data layer like the harness's, with the URLs given, behind the same API. */
  async function apiWith(primaryUrl: string, replicaUrls: string[]) {
    const db = createDataLayer({
      ...TEST_DATA_LAYER_SETTINGS,
      database: { source: "environment", primaryUrl, replicaUrls },
    });
    return { db, api: await h.caller({}, { ...h.services, db }) };
  }
  const withPassword = (url: string, password: string) => Object.assign(new URL(url), { password }).toString();

  it("DATABASE_URL naming a replica: writes say the primary is read-only; reads are served", async () => {
    const { db, api } = await apiWith(h.cluster.replicaUrls[0], [h.cluster.replicaUrls[1]]);
    try {
      await expect(api.user.create(newUser())).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: "The database cannot take writes right now: the primary is read-only. Try again in a few seconds.",
      });
      await expect(api.user.list({ limit: 1 })).resolves.toMatchObject({ servedBy: { reason: "replica" } });
    } finally {
      await db.close();
    }
  });

  it("a wrong password: the node counts as unavailable; writes are SERVICE_UNAVAILABLE, reads go elsewhere", async () => {
    const { db, api } = await apiWith(withPassword(h.cluster.primaryUrl, "not-the-password"), [
      withPassword(h.cluster.replicaUrls[0], "not-the-password"),
      h.cluster.replicaUrls[1],
    ]);
    try {
      await expect(api.user.create(newUser())).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: expect.stringMatching(/^The database is unavailable/),
      });
      for (let i = 0; i < 4; i++)
        await expect(api.user.list({ limit: 1 })).resolves.toMatchObject({ servedBy: { node: "replica2" } });
      expect(db.monitor.snapshot().map((n) => [n.name, n.reachable])).toEqual([
        ["primary", false],
        ["replica1", false],
        ["replica2", true],
      ]);
    } finally {
      await db.close();
    }
  });
});

describe("health and metrics", () => {
  it("liveness is 200 {status: ok}; readiness is 200 with per-node state while the primary is up", async () => {
    const live = await h.request("/api/health");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });

    const ready = await h.request("/api/health/ready");
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body).toMatchObject({ status: "ready", writer: "primary", allReplicasOut: false });
    expect(
      body.nodes.map((n: { node: string; role: string; routing: { routable: boolean; kind?: string } }) => [
        n.node,
        n.role,
        n.routing.routable,
        n.routing.kind,
      ]),
    ).toEqual([
      ["primary", "primary", false, "primary"],
      ["replica1", "replica", true, undefined],
      ["replica2", "replica", true, undefined],
    ]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|postgresql:/);
  });

  it("serves Prometheus text with HELP and TYPE for every family and the per-node counters", async () => {
    await (await h.caller()).user.list({ limit: 1 });
    const response = await h.request("/api/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusText(await response.text());
    const expected = {
      tandem_reads_total: "counter",
      tandem_read_fallbacks_total: "counter",
      tandem_db_errors_total: "counter",
      tandem_writes_total: "counter",
      tandem_node_up: "gauge",
      tandem_node_writer: "gauge",
      tandem_replica_lag_seconds: "gauge",
      tandem_replica_lag_bytes: "gauge",
      tandem_replica_healthy: "gauge",
      tandem_all_replicas_out: "gauge",
      tandem_node_excluded: "gauge",
      tandem_node_timeline: "gauge",
      tandem_read_hedges_total: "counter",
      tandem_topology_info: "gauge",
      tandem_topology_source_up: "gauge",
      tandem_topology_last_discovery_timestamp_seconds: "gauge",
      tandem_topology_draining_nodes: "gauge",
    };
    expect(Object.fromEntries([...families].map(([name, f]) => [name, f.type]))).toEqual(expected);
    for (const family of families.values()) expect(family.help.length).toBeGreaterThan(10);
    const sample = (name: string, node?: string) =>
      families.get(name)?.samples.find((s) => s.labels.node === node)?.value;
    expect(
      (sample("tandem_reads_total", "replica1") ?? 0) + (sample("tandem_reads_total", "replica2") ?? 0),
    ).toBeGreaterThan(0);
    expect(sample("tandem_writes_total", "primary")).toBeGreaterThan(0);
    expect(sample("tandem_replica_healthy", "replica1")).toBe(1);
    expect(sample("tandem_replica_healthy", "primary")).toBeUndefined(); // the writer is not a replica
    expect(sample("tandem_replica_lag_bytes", "replica2")).toBeTypeOf("number");
    expect(sample("tandem_node_writer", "primary")).toBe(1);
    expect(families.get("tandem_topology_info")?.samples).toEqual([{ labels: { source: "static" }, value: 1 }]);
    expect(sample("tandem_topology_source_up")).toBe(1);
    expect(sample("tandem_all_replicas_out")).toBe(0);
  });
});

describe("db:verify check 6 against this API", () => {
  it("passes on both replicas with --app-url", async () => {
    // Start from no marker schema, so db:verify (the superuser) creates it. The runtime role may not use a
    // schema the superuser made (permission denied), so the manager's provisioning (what `db:up` runs,
    // src/cluster/roles.ts) must hand it to the owner and grant the runtime role its rows again.
    await queryOne(h.cluster.superuserUrl, "DROP SCHEMA IF EXISTS tandem_verify CASCADE");
    const first = await clusterCli(h.cluster.root, ["verify", "--json"]);
    expect(first.stderr).not.toMatch(/permission denied/);
    expect(
      await queryOne<{ owner: string }>(
        h.cluster.superuserUrl,
        "SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'tandem_verify'",
      ),
    ).toMatchObject({ owner: "postgres" });
    await withClient(h.cluster.superuserUrl, (client) => grantRuntimePrivileges(client, h.cluster.state()));
    const result = await clusterCli(h.cluster.root, ["verify", "--json", "--app-url", h.url]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const checks: { id: number; node: string; outcome: string; detail: string }[] = JSON.parse(result.stdout);
    expect(checks.filter((c) => c.id === 6).map((c) => [c.node, c.outcome])).toEqual([
      ["replica1", "pass"],
      ["replica2", "pass"],
    ]);
    expect(checks.find((c) => c.id === 6)?.detail).toMatch(/created via the API \(written on primary\) visible \d+ ms/);
    // db:verify wrote its marker as the superuser; the app's role must still be able to probe.
    const { replicas } = await (await h.caller(ADMIN)).replication.probe();
    expect(replicas.every((r) => r.visible.ok)).toBe(true);
  });

  it("is a SKIP saying how to start the app when nothing answers at the URL", async () => {
    const [port] = await freePorts(1);
    const results = await applicationCheck(`http://127.0.0.1:${port}`)(topologyOfState(h.cluster.state()));
    expect(results).toEqual([
      { node: "-", outcome: "skip", detail: expect.stringMatching(/did not answer \(connection refused.*npm run dev/) },
    ]);
  });
});

describe("a stopped primary (last: it changes the cluster)", () => {
  it("fails a mutation fast with SERVICE_UNAVAILABLE and no raw error, keeps serving reads, and reports not ready", async () => {
    await h.stopPrimary();

    const started = Date.now();
    const { status, error, text } = await h.rpc("user.create", newUser(), { type: "mutation" });
    const elapsed = Date.now() - started;
    expect(status).toBe(503);
    expect(error?.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(error?.message).toMatch(/database is unavailable: primary cannot be reached/);
    expect(elapsed).toBeLessThan(10_000);
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Prisma|invocation|P1001|Connection terminated|\bat .*\.ts/);

    const read = await (await h.caller()).user.list({ limit: 1 });
    expect(read.servedBy.role).toBe("replica");

    await waitFor("the monitor to see the primary gone", async () => (h.db.monitor.writer() ? undefined : true));
    const ready = await h.request("/api/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not ready", writer: null });
    const metrics = parsePrometheusText(await (await h.request("/api/metrics")).text());
    expect(metrics.get("tandem_node_up")?.samples.find((s) => s.labels.node === "primary")?.value).toBe(0);

    // The admin view says what happened in words (the driver's text is kept as the raw error), and the
    // event log has the loss and that no node takes writes, as data.
    const admin = await h.caller(ADMIN);
    const primaryView = (await admin.replication.status()).nodes.find((n) => n.name === "primary");
    expect(primaryView?.failure).toMatch(
      /^Not answering at 127\.0\.0\.1:\d+: (connection refused|connection closed|the server shut down|the server is starting up or shutting down)\.$/,
    );
    // A loss a read or a write found is told after the monitor's next round.
    const events = await waitFor("the loss and the missing writer in the event log", async () => {
      const { events } = await admin.replication.events();
      return events.some((e) => e.kind === "node-lost" && e.node === "primary") &&
        events.some((e) => e.kind === "no-writer")
        ? events
        : undefined;
    });
    expect(events.find((e) => e.kind === "node-lost" && e.node === "primary")?.details).toMatchObject({
      endpoint: expect.stringMatching(/:\d+$/),
    });
    expect(events.find((e) => e.kind === "no-writer")?.details).toMatchObject({ from: "primary" });
  });

  it("promote through the admin API: writes go to the new primary and the app is ready again", async () => {
    const promoted = await (await h.caller(ADMIN)).replication.promote({ node: "replica1" });
    expect(promoted.primary).toBe("replica1");
    const api = await h.caller();
    const { servedBy, consistencyToken } = await api.user.create(newUser());
    expect(servedBy.node).toBe("replica1");
    // The write spreads to the one replica left; the fenced former primary is no replica to wait for.
    await waitFor("replica2 to replay the write on the new timeline", async () => {
      const { nodes } = await api.consistency.progress({ token: consistencyToken });
      return nodes.length === 1 && nodes[0].node === "replica2" && nodes[0].state === "replayed" ? true : undefined;
    });
    const ready = await h.request("/api/health/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ writer: "replica1" });
    // The admin status calls the old primary what the cluster made it: fenced, not merely unreachable.
    const status = await (await h.caller(ADMIN)).replication.status();
    expect(status.nodes.map((n) => [n.name, n.role, n.fenced, n.reachable])).toEqual([
      ["primary", "unknown", true, false],
      ["replica1", "primary", false, true],
      ["replica2", "replica", false, true],
    ]);
    expect(status.nodes[1]).toMatchObject({ configuredRole: "replica", timeline: 2 });
    expect(status.nodes[2]).toMatchObject({ timeline: 2, stream: { state: "streaming" } });
    // The promote (recorded once it is done; the monitor may see the writer move first) and the move.
    const { events } = await (await h.caller(ADMIN)).replication.events();
    expect(events.find((e) => e.kind === "promote")).toMatchObject({ node: "replica1", details: { from: null } }); // the primary was already down
    expect(events.find((e) => e.kind === "writer-moved")).toMatchObject({
      node: "replica1",
      details: { from: null, timeline: 2 },
    });
  });
});
