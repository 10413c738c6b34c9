/**
 * The baselines `npm run bench` compares `user.byId` against, served by the same server so only the
 * data path differs: raw `pg` on the first replica, and the bare read-replicas extension as its README
 * sets it up (no health, lag or read-your-writes layer), both through Next's router; and raw `pg` on the
 * API fast path (src/server/http), the floor any handler there can reach. Off unless TANDEM_BENCH_ROUTES=1.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
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
  const { rows } = await rawPool.query<UserRow>(
    'SELECT id, name, email, created_at AS "createdAt" FROM users WHERE id = $1',
    [id],
  );
  return rows[0] ?? null;
}

/** The fast path's floor: `<prefix>/<id>` answered from raw `pg`, no framework between. */
export const FAST_PATH_BENCH_PREFIX = "/api/bench-fast/raw-pg";

export async function byIdRawPgNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const id = /^\/(\d+)$/.exec((req.url ?? "").slice(FAST_PATH_BENCH_PREFIX.length))?.[1];
  const user = id === undefined ? null : await byIdRawPg(Number(id));
  res
    .writeHead(user ? 200 : 404, { "content-type": "application/json" })
    .end(user ? JSON.stringify(user) : '"Not found"');
}

function bareExtensionClient() {
  const { database, DATABASE_POOL_SIZE, REPLICA_POOL_SIZE } = getEnv();
  const client = (url: string, max: number) =>
    new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
  return client(database.primaryUrl, DATABASE_POOL_SIZE).$extends(
    readReplicas({
      replicas: (database.replicaUrls.length ? database.replicaUrls : [database.primaryUrl]).map((url) =>
        client(url, REPLICA_POOL_SIZE),
      ),
    }),
  );
}

export async function byIdBareExtension(id: number): Promise<UserRow | null> {
  bare ??= bareExtensionClient();
  return bare.user.findUnique({ where: { id } });
}
