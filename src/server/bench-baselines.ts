/**
 * The two baselines `npm run bench` compares `user.byId` against, served by the same Next server so
 * only the data path differs: raw `pg` on the first replica, and the bare read-replicas extension as its
 * README sets it up (no health, lag or read-your-writes layer). Off unless TANDEM_BENCH_ROUTES=1.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { readReplicas } from "@prisma/extension-read-replicas";
import pg from "pg";
import { getEnv } from "~/env";
import { PrismaClient } from "~/generated/prisma/client";

export const benchRoutesEnabled = () => process.env.TANDEM_BENCH_ROUTES === "1";

export interface UserRow {
  id: number;
  name: string;
  email: string;
  createdAt: Date;
}

let rawPool: pg.Pool | undefined;
let bare: ReturnType<typeof bareExtensionClient> | undefined;

function firstReplicaUrl(): string {
  const { database } = getEnv();
  return database.replicaUrls[0] ?? database.primaryUrl;
}

export async function byIdRawPg(id: number): Promise<UserRow | null> {
  rawPool ??= new pg.Pool({ connectionString: firstReplicaUrl(), max: getEnv().REPLICA_POOL_SIZE });
  const { rows } = await rawPool.query<UserRow>('SELECT id, name, email, created_at AS "createdAt" FROM users WHERE id = $1', [id]);
  return rows[0] ?? null;
}

function bareExtensionClient() {
  const { database, DATABASE_POOL_SIZE, REPLICA_POOL_SIZE } = getEnv();
  const client = (url: string, max: number) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  return client(database.primaryUrl, DATABASE_POOL_SIZE).$extends(
    readReplicas({ replicas: (database.replicaUrls.length ? database.replicaUrls : [database.primaryUrl]).map((url) => client(url, REPLICA_POOL_SIZE)) }),
  );
}

export async function byIdBareExtension(id: number): Promise<UserRow | null> {
  bare ??= bareExtensionClient();
  return bare.user.findUnique({ where: { id } });
}
