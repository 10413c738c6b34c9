/**
 * Writes in-process at concurrency 16: a Tandem write (`db.write`: the create on the primary plus the
 * consistency token the client reads its write back with) against a bare Prisma `create` on the same
 * primary with a pool of the same size. The ratio is what the token costs.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../src/generated/prisma/client";
import type { DataLayer } from "../src/server/db/data-layer/data-layer";
import { type InterleaveOptions, interleaved, type VariantResult } from "./interleave";

export async function writes(
  primaryUrl: string,
  poolSize: number,
  db: DataLayer,
  options: InterleaveOptions,
): Promise<VariantResult[]> {
  const bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: primaryUrl, max: poolSize }) });
  const run = `${Date.now()}`;
  const data = (i: number) => ({ name: `Writer ${i}`, email: `w${run}-${i}@bench.example` });
  try {
    return await interleaved(
      [
        {
          name: "Tandem write (db.write + token)",
          run: (i) => db.forRequest().write((c) => c.user.create({ data: data(i) })),
        },
        { name: "bare Prisma create", run: (i) => bare.user.create({ data: data(i) }) },
      ],
      options,
    );
  } finally {
    await bare.$disconnect();
  }
}
