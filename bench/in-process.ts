/**
 * `findUnique` by id in-process, no HTTP: raw `pg`, the bare read-replicas extension, and the data
 * layer, on the same replica. It separates what the health/lag/read-your-writes layer costs from what
 * tRPC and HTTP cost in the HTTP comparison.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { readReplicas } from "@prisma/extension-read-replicas";
import pg from "pg";
import { PrismaClient } from "../src/generated/prisma/client";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { type InterleaveOptions, interleaved, type VariantResult } from "./interleave";

export async function byIdInProcess(
  primaryUrl: string,
  replicaUrl: string,
  db: DataLayer,
  ids: number[],
  options: InterleaveOptions,
): Promise<VariantResult[]> {
  const raw = new pg.Pool({ connectionString: replicaUrl, max: 10 });
  const client = (url: string) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  const bare = client(primaryUrl).$extends(readReplicas({ replicas: [client(replicaUrl)] }));
  const variants: Record<string, (id: number) => Promise<unknown>> = {
    "raw pg": (id) => raw.query("SELECT id, name, email, created_at FROM users WHERE id = $1", [id]),
    "bare read-replicas extension": (id) => bare.user.findUnique({ where: { id } }),
    "Tandem data layer": (id) => db.forRequest().read((c) => c.user.findUnique({ where: { id } })),
  };
  try {
    return await interleaved(
      Object.entries(variants).map(([name, byId]) => ({ name, run: (i: number) => byId(ids[i % ids.length]) })),
      options,
    );
  } finally {
    await raw.end();
    await bare.$disconnect();
  }
}
