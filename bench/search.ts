/**
 * The user search at scale: seeds `rows` users (names and emails from a small vocabulary, so some terms
 * are common and others rare), then measures each kind of term two ways:
 *  - in-process through the data layer: the app's strategy (src/server/search/users.ts) against the
 *    plain query it replaced, alternating, sequential (the plain query takes seconds at a million rows,
 *    so it gets fewer rounds: BENCH_SEARCH_PLAIN_ROUNDS);
 *  - over HTTP at concurrency 4 (`user.list` through tRPC on the fast path), rounds interleaved.
 */
import pg from "pg";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { findUserPage, plainUserPage } from "../src/server/search/users";
import { type Summary, summarize } from "./stats";
import { type WrkResult, wrkRounds } from "./wrk";

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Margaret",
  "Ken",
  "Dennis",
  "Linus",
  "Anna",
  "Leslie",
  "John",
  "Niklaus",
  "Frances",
  "Tony",
  "Radia",
  "Shafi",
  "Tim",
  "Vint",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Hamilton",
  "Thompson",
  "Ritchie",
  "Torvalds",
  "Karenina",
  "Lamport",
  "Backus",
  "Wirth",
  "Allen",
  "Hoare",
  "Perlman",
  "Goldwasser",
  "Lee",
  "Cerf",
  "Kay",
  "Moore",
  "Stone",
  "Berners",
  "Brooks",
  "Codd",
  "Gray",
  "Stonebraker",
  "Lampson",
  "Floyd",
];

/** Row g: "<first> <last>", "<first>.<last><g>@example.com"; first and last cycle with different strides. */
const SEED_SQL = `
  INSERT INTO users (name, email)
  SELECT f || ' ' || l, lower(f) || '.' || lower(l) || g || '@example.com'
  FROM generate_series($1::int, $2::int) g,
  LATERAL (SELECT ($3::text[])[1 + (g * 7) % ${FIRST.length}] AS f, ($4::text[])[1 + (g * 13) % ${LAST.length}] AS l) n`;

/** The terms, by kind, for a table of `rows` seeded rows. */
export function searchTerms(rows: number): Record<string, string> {
  return {
    // 1 in 20 rows, spread evenly: the page fills from the newest rows.
    common: "anna",
    // The digits of one row's id: that row, and the few whose ids contain them.
    rare: String(Math.floor(rows * 0.37)),
    "no match": "zzqx",
    // Ids containing "123": about 0.4% of rows, spread evenly: too few to fill a page from the first
    // probe, so the trigram indexes fetch all of them (the strategy's costliest density).
    "sparse, spread out": "123",
    // Karenina rows whose id starts with 1: only rows far from the newest at 1M or 10M rows, too sparse
    // for the first probe; the strategy's most expensive kind.
    "older rows only": "karenina1",
  };
}

export async function seedUsers(primaryUrl: string, rows: number, log: (line: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    const chunk = 250_000;
    for (let from = 1; from <= rows; from += chunk) {
      const to = Math.min(rows, from + chunk - 1);
      log(`seeding users ${from}–${to} of ${rows}`);
      await client.query(SEED_SQL, [from, to, FIRST, LAST]);
    }
    // What autovacuum would do on its own later: statistics for the planner, and the trigram indexes'
    // pending entries merged (until then every search reads them all).
    await client.query("VACUUM ANALYZE users");
  } finally {
    await client.end();
  }
}

export interface InProcessSearch {
  strategy: Summary;
  plain: Summary;
  matches: number;
}

export async function searchInProcess(
  db: DataLayer,
  terms: Record<string, string>,
  rounds: number,
  plainRounds: number,
): Promise<Record<string, InProcessSearch>> {
  const results: Record<string, InProcessSearch> = {};
  for (const [kind, search] of Object.entries(terms)) {
    const query = { search, take: 21 };
    const time = async (find: typeof findUserPage) => {
      const started = performance.now();
      const { data } = await db.forRequest().read((c) => find(c, query));
      return { ms: performance.now() - started, rows: data.length };
    };
    for (let i = 0; i < 5; i++) await time(findUserPage); // warm-up
    const strategy: number[] = [];
    const plain: number[] = [];
    let matches = 0;
    for (let i = 0; i < rounds; i++) {
      strategy.push((await time(findUserPage)).ms);
      if (i < plainRounds) {
        const sample = await time(plainUserPage);
        plain.push(sample.ms);
        matches = sample.rows;
      }
    }
    results[kind] = { strategy: summarize(strategy), plain: summarize(plain), matches };
  }
  return results;
}

export function searchOverHttp(
  base: string,
  terms: Record<string, string>,
  connections: number,
  seconds: number,
  rounds: number,
  log: (line: string) => void,
): Promise<Map<string, WrkResult>> {
  const url = (search: string) =>
    `${base}/api/trpc/user.list?input=${encodeURIComponent(JSON.stringify({ json: { search } }))}`;
  return wrkRounds(
    Object.entries(terms).map(([kind, search]) => ({ key: kind, template: url(search), connections })),
    [],
    seconds,
    rounds,
    log,
  );
}
