/**
 * `user.byId` over HTTP, three ways, against one production Next server: the app's tRPC procedure
 * (data layer: health, lag, read-your-writes), a plain route handler with raw `pg`, and a route handler
 * with the bare read-replicas extension. Same server, same replica, same row ids: only the data path differs.
 */
import { type Summary, summarize } from "./stats";

export interface HttpResult {
  sequential: Summary;
  opsPerSecond: number;
  concurrentOpsPerSecond: number;
}

export type UrlFor = (id: number) => string;

export const trpcByIdUrl = (base: string): UrlFor => (id) => `${base}/api/trpc/user.byId?input=${encodeURIComponent(JSON.stringify({ json: { id } }))}`;
export const baselineUrl = (base: string, variant: "raw-pg" | "bare-extension"): UrlFor => (id) => `${base}/api/bench/${variant}/${id}`;

async function get(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  await response.arrayBuffer();
}

export async function measureHttp(urlFor: UrlFor, ids: number[], requests: number, concurrency: number): Promise<HttpResult> {
  for (let i = 0; i < 200; i++) await get(urlFor(ids[i % ids.length])); // warm up: JIT, pools, route compilation
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    await get(urlFor(ids[i % ids.length]));
    samples.push(performance.now() - t);
  }
  const opsPerSecond = requests / ((performance.now() - started) / 1000);

  let next = 0;
  const concurrentStarted = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await get(urlFor(ids[next++ % ids.length]));
    }),
  );
  const concurrentOpsPerSecond = requests / ((performance.now() - concurrentStarted) / 1000);
  return { sequential: summarize(samples), opsPerSecond, concurrentOpsPerSecond };
}
