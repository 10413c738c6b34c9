/**
 * What TLS costs, on the bench's throwaway cluster: the same node reached over TLS (verify-full, what every
 * URL Tandem hands out asks for) and in plain text, interleaved round by round so both see the same load:
 *   1. connection setup: connect (TCP, TLS handshake, SCRAM) and close, a fresh `pg.Client` each round;
 *   2. a query on an open connection: raw `pg` `SELECT … WHERE id = $1` (per-query encryption only);
 *   3. `user.byId`'s data path in-process: the data layer's read (`findUnique` on a replica), warm pools.
 * The cluster accepts TLS only, so for the measurement the primary and replica1 get a `host` line for the
 * app role after the `hostssl` ones (reloaded), removed again at the end.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { pgHba } from "../src/cluster/config-files";
import { adminUrl } from "../src/cluster/context";
import { withClient } from "../src/cluster/sql";
import { parseEnv } from "../src/config/parse-env";
import { type NodeState, primaryOf, replicasOf } from "../src/replication/state";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { createDataLayer } from "../src/server/db/index";
import type { TestCluster } from "../tests/support/cluster";
import { line, type Summary, summarize } from "./stats";

type Variant = "TLS (verify-full)" | "plain text";

export async function tlsBench(cluster: TestCluster, ids: number[], rounds: number): Promise<void> {
  const state = cluster.state();
  const nodes = [primaryOf(state), replicasOf(state)[0]];
  const plain = (url: string) => url.replace(/\?.*$/, "");
  const urls = { primary: cluster.primaryUrl, replica: cluster.replicaUrls[0] };
  await allowPlaintext(cluster, nodes, true);
  const layers: Record<Variant, DataLayer> = {
    "TLS (verify-full)": dataLayer(urls.primary, urls.replica),
    "plain text": dataLayer(plain(urls.primary), plain(urls.replica)),
  };
  const pools: Record<Variant, pg.Pool> = {
    "TLS (verify-full)": new pg.Pool({ connectionString: urls.replica, max: 1 }),
    "plain text": new pg.Pool({ connectionString: plain(urls.replica), max: 1 }),
  };
  const urlOf: Record<Variant, string> = { "TLS (verify-full)": urls.replica, "plain text": plain(urls.replica) };
  try {
    console.error(`[bench] TLS cost: ${rounds} rounds per measurement, TLS and plain text interleaved`);
    const connect = await interleaved(Math.min(rounds, 500), async (variant) => {
      const client = new pg.Client({ connectionString: urlOf[variant] });
      await client.connect();
      await client.end();
    });
    const query = await interleaved(rounds, (variant, i) =>
      pools[variant].query("SELECT id, name, email, created_at FROM users WHERE id = $1", [ids[i % ids.length]]),
    );
    const byId = await interleaved(rounds, (variant, i) =>
      layers[variant].forRequest().read((c) => c.user.findUnique({ where: { id: ids[i % ids.length] } })),
    );

    console.log("\n## TLS cost (replica1; TLS = sslmode=verify-full, TLS 1.3, ECDSA P-256; interleaved)");
    for (const [name, result] of [
      ["connection setup", connect],
      ["query on an open connection", query],
      ["user.byId data path", byId],
    ] as const) {
      for (const variant of Object.keys(result) as Variant[]) console.log(line(`${name}, ${variant}`, result[variant]));
      const [tls, clear] = [result["TLS (verify-full)"].p50, result["plain text"].p50];
      console.log(
        `${"".padEnd(52)} TLS/plain p50 ×${(tls / clear).toFixed(2)} (${tls >= clear ? "+" : "−"}${Math.abs(tls - clear).toFixed(2)} ms)`,
      );
    }
    console.log(
      "(connection setup = TCP connect, TLS handshake, SCRAM, close; user.byId data path = the data layer's findUnique on a replica, warm pools)",
    );
  } finally {
    await Promise.all([...Object.values(layers).map((l) => l.close()), ...Object.values(pools).map((p) => p.end())]);
    await allowPlaintext(cluster, nodes, false);
  }
}

function dataLayer(primary: string, replica: string): DataLayer {
  // The app's defaults, as `npm start` runs with; one replica, so every read goes to replica1.
  return createDataLayer(
    parseEnv(
      { NODE_ENV: "test", DATABASE_URL: primary, DATABASE_REPLICA_URLS: replica },
      { embedded: () => undefined },
    ),
  );
}

/** Each round measures both variants, alternating which goes first; warm-up rounds are not counted. */
async function interleaved(
  rounds: number,
  run: (variant: Variant, round: number) => Promise<unknown>,
): Promise<Record<Variant, Summary>> {
  const samples: Record<Variant, number[]> = { "TLS (verify-full)": [], "plain text": [] };
  const order: Variant[][] = [
    ["TLS (verify-full)", "plain text"],
    ["plain text", "TLS (verify-full)"],
  ];
  for (let i = -50; i < rounds; i++) {
    for (const variant of order[Math.abs(i) % 2]) {
      const started = performance.now();
      await run(variant, Math.abs(i));
      if (i >= 0) samples[variant].push(performance.now() - started);
    }
  }
  return {
    "TLS (verify-full)": summarize(samples["TLS (verify-full)"]),
    "plain text": summarize(samples["plain text"]),
  };
}

/** Adds (or removes) a plain-text `host` line for the app role after the hostssl lines, and reloads. */
async function allowPlaintext(cluster: TestCluster, nodes: NodeState[], allow: boolean): Promise<void> {
  const state = cluster.state();
  for (const node of nodes) {
    const hba = path.join(node.dataDir, "pg_hba.conf");
    const extra = `host    ${state.database}  ${state.app.user}  127.0.0.1/32   scram-sha-256   # bench/tls.ts, for the comparison only\n`;
    writeFileSync(hba, allow ? `${pgHba(state.socketDir)}${extra}` : pgHba(state.socketDir));
    await withClient(adminUrl(state, node), (client) => client.query("SELECT pg_reload_conf()"));
  }
  // A reload is asynchronous: wait until a plain connection is (or is no longer) accepted.
  const probe = async () => {
    const client = new pg.Client({ connectionString: cluster.replicaUrls[0].replace(/\?.*$/, "") });
    client.on("error", () => {});
    return client.connect().then(
      () => client.end().then(() => true),
      () => false,
    );
  };
  for (let tries = 0; (await probe()) !== allow; tries++) {
    if (tries > 100) throw new Error("pg_hba.conf change was not picked up");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
