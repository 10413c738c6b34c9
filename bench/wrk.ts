/**
 * HTTP load with wrk (Debian's `wrk`): a C load generator, so the client costs far less CPU than the
 * server it measures (a Node client would take a good share of the same two cores). A Lua script rotates
 * the row ids through the URL template, so every request reads a different row.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { median } from "./stats";

export interface WrkResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

/** `template` is a URL with `{id}` where the row id goes (or none: the same URL every time). */
export function wrk(template: string, ids: readonly number[], connections: number, seconds: number): WrkResult {
  const values = template.includes("{id}") ? ids.map(String) : [""];
  const url = new URL(template.replace("{id}", values[0]));
  const [before, after] = template.slice(url.origin.length).split("{id}");
  const dir = mkdtempSync(path.join(os.tmpdir(), "tandem-wrk-"));
  const script = path.join(dir, "ids.lua");
  writeFileSync(
    script,
    [
      `local ids = {${values.map((v) => JSON.stringify(v)).join(",")}}`,
      "local i = 0",
      `local before, after = ${JSON.stringify(before)}, ${JSON.stringify(after ?? "")}`,
      "request = function()",
      "  i = i + 1",
      '  return wrk.format("GET", before .. ids[(i % #ids) + 1] .. after)',
      "end",
    ].join("\n"),
  );
  try {
    // --timeout: a request Next queues for seconds is slow, not lost; it counts in the latencies.
    const result = spawnSync(
      "wrk",
      ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "30s", "--latency", "-s", script, url.origin],
      { encoding: "utf8" },
    );
    if (result.error)
      throw new Error(`wrk could not run (${result.error.message}); install it: apt-get install -y wrk`);
    if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
    return parseWrk(result.stdout, template);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function parseWrk(output: string, template: string): WrkResult {
  const failed = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(output);
  if (failed) throw new Error(`wrk on ${template}: ${failed[0]}\n${output}`);
  const latency = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(output);
    if (!match) throw new Error(`no ${p}% latency in wrk's output:\n${output}`);
    return Number(match[1]) * UNIT_MS[match[2]];
  };
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!rate) throw new Error(`no Requests/sec in wrk's output:\n${output}`);
  return { requestsPerSecond: Number(rate[1]), p50: latency("50"), p99: latency("99") };
}

export interface WrkJob {
  key: string;
  template: string;
  connections: number;
}

/**
 * Every job once per round, the order rotating each round so load from elsewhere on the machine is
 * shared out; each URL warmed up first (JIT, pools, Next compiling the route). Returns, per key, the
 * median over rounds of requests/s, p50 and p99.
 */
export async function wrkRounds(
  jobs: WrkJob[],
  ids: readonly number[],
  seconds: number,
  rounds: number,
  log: (line: string) => void,
): Promise<Map<string, WrkResult>> {
  for (const template of new Set(jobs.map((job) => job.template))) {
    // One request first, so a failing variant is reported with what it answered.
    const response = await fetch(template.replace("{id}", String(ids[0] ?? "")));
    if (!response.ok)
      throw new Error(`${template} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    wrk(template, ids, 16, 2);
  }
  const runs = new Map<string, WrkResult[]>(jobs.map((job) => [job.key, []]));
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1}/${rounds}: ${jobs.length} runs of ${seconds} s`);
    for (let k = 0; k < jobs.length; k++) {
      const job = jobs[(k + round) % jobs.length];
      runs.get(job.key)?.push(wrk(job.template, ids, job.connections, seconds));
    }
  }
  const medianOf = (samples: WrkResult[], pick: (s: WrkResult) => number) => median(samples.map(pick));
  return new Map(
    [...runs].map(([key, samples]) => [
      key,
      {
        requestsPerSecond: medianOf(samples, (s) => s.requestsPerSecond),
        p50: medianOf(samples, (s) => s.p50),
        p99: medianOf(samples, (s) => s.p99),
      },
    ]),
  );
}
