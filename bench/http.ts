/**
 * `user.byId` over HTTP against one production server (the app's, src/server/http/server.ts), several
 * ways, so only the path a request takes differs: the app's tRPC procedure on the API fast path and
 * through Next's router, route handlers through Next's router with raw `pg` and with the bare
 * read-replicas extension, raw `pg` on the fast path (the floor: no framework at all) and Next's
 * `/api/health` (Next's own cost, no database). Same replica, same row ids. Each runs at each
 * concurrency for a few seconds per round, rounds interleaved (the order rotates), after a warm-up;
 * reported: the median over rounds of requests/s, p50 and p99.
 */
import { FAST_PATH_BENCH_PREFIX } from "../src/server/bench-baselines";
import { type WrkResult, wrkRounds } from "./wrk";

export interface HttpVariant {
  name: string;
  /** URL with `{id}` where the row id goes. */
  template: string;
}

const trpcById = (base: string, endpoint: string) =>
  `${base}${endpoint}/user.byId?input=${encodeURIComponent('{"json":{"id":')}{id}${encodeURIComponent("}}")}`;

export const HTTP_VARIANTS = {
  trpcFast: "tRPC user.byId, fast path",
  trpcNext: "tRPC user.byId through Next's router",
  rawNext: "raw pg route through Next's router",
  bareNext: "bare extension route through Next's router",
  rawFast: "raw pg on the fast path (floor)",
  health: "Next's /api/health (no database)",
} as const;

export function httpVariants(base: string): HttpVariant[] {
  return [
    { name: HTTP_VARIANTS.trpcFast, template: trpcById(base, "/api/trpc") },
    { name: HTTP_VARIANTS.trpcNext, template: trpcById(base, "/api/bench/next-trpc") },
    { name: HTTP_VARIANTS.rawNext, template: `${base}/api/bench/raw-pg/{id}` },
    { name: HTTP_VARIANTS.bareNext, template: `${base}/api/bench/bare-extension/{id}` },
    { name: HTTP_VARIANTS.rawFast, template: `${base}${FAST_PATH_BENCH_PREFIX}/{id}` },
    { name: HTTP_VARIANTS.health, template: `${base}/api/health?id={id}` },
  ];
}

export interface HttpOptions {
  concurrencies: number[];
  seconds: number;
  rounds: number;
}

/** results[variant name][concurrency] */
export type HttpResults = Record<string, Record<number, WrkResult>>;

export async function measureHttp(
  variants: HttpVariant[],
  ids: readonly number[],
  options: HttpOptions,
  log: (line: string) => void,
): Promise<HttpResults> {
  const key = (name: string, connections: number) => `${name} at c${connections}`;
  const jobs = variants.flatMap((variant) =>
    options.concurrencies.map((connections) => ({
      key: key(variant.name, connections),
      template: variant.template,
      connections,
    })),
  );
  const measured = await wrkRounds(jobs, ids, options.seconds, options.rounds, log);
  return Object.fromEntries(
    variants.map((variant) => [
      variant.name,
      Object.fromEntries(options.concurrencies.map((c) => [c, measured.get(key(variant.name, c)) as WrkResult])),
    ]),
  );
}
