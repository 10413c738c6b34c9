/**
 * The user list's search strategy (src/server/search/users.ts) against the plain query it replaces, on
 * a real PostgreSQL with the project's migrations (trigram indexes included): for every term, page size
 * and cursor, and for probe windows small enough that both of its steps run (the window alone fills the
 * page; the trigram indexes are asked for older rows), it returns exactly the plain query's rows in the
 * plain query's order.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "~/generated/prisma/client";
import type { ReadClient } from "~/server/db";
import { replicaReadClient } from "~/server/db/data-layer/read-client";
import { findUserPage, narrowedByTrigrams, PROBE_ROWS, plainUserPage, type UserPageQuery } from "~/server/search/users";
import { startTestCluster, type TestCluster } from "../support/cluster";
import { migrate } from "../support/migrate";

const ROWS = 3000;

/** Row i (1-based, = its id): which terms it carries. Spreads: dense, sparse, only old rows, only new rows, a handful. */
function userRow(i: number): { name: string; email: string } {
  const words = [`Person ${i}`];
  if (i % 2 === 0) words.push("Common");
  if (i % 250 === 0) words.push("Sparse");
  if (i <= 40) words.push("Oldtimer");
  if (i > ROWS - 30) words.push("Freshman");
  if ([7, 1500, 2999].includes(i)) words.push("ZEBRA");
  const special: Record<number, string> = {
    11: "100% sure",
    12: "1000 sure",
    13: "under_score",
    14: "underXscore",
    15: "back\\slash",
    16: "Ærøskøbing ÄRGER",
    17: "ärger",
    2900: "50%_off",
    2901: "50%xoff",
    2902: "rxs",
  };
  if (special[i]) words.push(special[i]);
  const email =
    i === 900 ? "zebra.crossing@example.com" : i === 901 ? "OLDTIMER-mail@example.com" : `user${i}@example.com`;
  return { name: words.join(" "), email };
}

const TERMS = [
  "common",
  "COMMON",
  "sparse",
  "oldtimer",
  "freshman",
  "zebra",
  "Zebra",
  "crossing",
  "person 1",
  "example.com",
  "0% sure",
  "100%",
  "r_s",
  "under_score",
  "back\\slash",
  "50%_",
  "ärger",
  "ÆRØ",
  "ger",
  "nothing-matches-this",
  "zzz",
  // Too short for trigrams: the plain query runs, and must still agree.
  "co",
  "e",
  "%",
  "_",
  "\\",
];

let cluster: TestCluster;
let client: PrismaClient;
let db: ReadClient;

beforeAll(async () => {
  cluster = await startTestCluster({ replicas: 0 });
  await migrate(cluster.ownerUrl);
  const seed = new pg.Client({ connectionString: cluster.primaryUrl });
  await seed.connect();
  const rows = Array.from({ length: ROWS }, (_, i) => userRow(i + 1));
  await seed.query("INSERT INTO users (name, email) SELECT * FROM unnest($1::text[], $2::text[])", [
    rows.map((r) => r.name),
    rows.map((r) => r.email),
  ]);
  await seed.query("ANALYZE users");
  await seed.end();
  client = new PrismaClient({ adapter: new PrismaPg({ connectionString: cluster.primaryUrl, max: 4 }) });
  db = client as unknown as ReadClient;
});

afterAll(async () => {
  await client?.$disconnect();
  await cluster?.stop();
});

/** The pages of a search (up to `maxPages`), following the plain query's cursors, compared page by page. */
async function expectSamePages(search: string, limit: number, probeRows: number, maxPages: number): Promise<number> {
  let cursor: number | undefined;
  let pages = 0;
  while (pages < maxPages) {
    const query: UserPageQuery = { search, cursor, take: limit + 1 };
    const expected = await plainUserPage(db, query);
    expect(
      await findUserPage(db, query, probeRows),
      `search ${JSON.stringify(search)}, limit ${limit}, cursor ${cursor}, probe ${probeRows}`,
    ).toEqual(expected);
    pages++;
    if (expected.length <= limit) break;
    cursor = expected[limit - 1].id;
  }
  return pages;
}

describe("user search strategy", () => {
  it("the seeded table has what the cases need: dense, sparse, old-only and absent terms", async () => {
    const count = async (search: string) => (await plainUserPage(db, { search, take: ROWS + 1 })).length;
    expect(await count("common")).toBe(ROWS / 2);
    expect(await count("sparse")).toBe(ROWS / 250);
    expect(await count("oldtimer")).toBe(41); // 40 names and one email
    expect(await count("zebra")).toBe(4);
    expect(await count("nothing-matches-this")).toBe(0);
    // LIKE metacharacters are text: "r_s" is in "under_score" only, not in "rxs"; "0% sure" not in "1000 sure".
    expect((await plainUserPage(db, { search: "r_s", take: 10 })).map((u) => u.id)).toEqual([13]);
    expect((await plainUserPage(db, { search: "0% sure", take: 10 })).map((u) => u.id)).toEqual([11]);
  });

  it("returns the plain query's rows in its order for every term, page size and cursor, whichever step answers", async () => {
    let pages = 0;
    for (const probeRows of [1, 25, PROBE_ROWS]) {
      for (const search of TERMS) {
        // Every page at 100 a page (30 at most); the first pages at smaller sizes (the cursor test goes deeper).
        pages += await expectSamePages(search, 100, probeRows, Number.POSITIVE_INFINITY);
        for (const limit of [1, 20]) pages += await expectSamePages(search, limit, probeRows, 8);
      }
    }
    expect(pages).toBeGreaterThan(TERMS.length * 3 * 3);
  });

  it("agrees from arbitrary cursors too, including ones below every match and above every id", async () => {
    for (const cursor of [1, 2, 41, 42, 250, 1501, 2971, ROWS, ROWS + 1, 2 ** 31 - 1]) {
      for (const search of ["common", "sparse", "oldtimer", "freshman", "zebra", "person 2"]) {
        for (const probeRows of [10, PROBE_ROWS]) {
          const query = { search, cursor, take: 21 };
          expect(await findUserPage(db, query, probeRows), `${search} below ${cursor}`).toEqual(
            await plainUserPage(db, query),
          );
        }
      }
    }
  });

  it("runs on the replica the data layer chose, not on the primary (its one raw statement included)", async () => {
    // The data layer's replica read client, whose primary is a port nothing listens on: only the replica can answer.
    const unreachable = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: "postgresql://tandem:x@127.0.0.1:1/tandem",
        connectionTimeoutMillis: 2000,
      }),
    });
    const replicaClient = new PrismaClient({ adapter: new PrismaPg({ connectionString: cluster.primaryUrl, max: 1 }) });
    const onReplica = replicaReadClient(unreachable, replicaClient);
    try {
      const query = { search: "zebra", take: 21 };
      expect(await findUserPage(onReplica, query)).toEqual(await plainUserPage(db, query));
    } finally {
      await replicaClient.$disconnect();
      await unreachable.$disconnect();
    }
  });

  it("sends terms trigrams cannot narrow to the plain query", () => {
    expect(["abc", "ärg", "a1b2c3", "x 100% sure"].map(narrowedByTrigrams)).toEqual([true, true, true, true]);
    expect(["ab", "a.b.c", "%_%", "a b c", "é"].map(narrowedByTrigrams)).toEqual([false, false, false, false, false]);
  });
});
