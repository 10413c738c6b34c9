/**
 * One PrismaClient per node, each over its own `pg` pool (adapter-pg), bounded so that a dead node
 * fails a query in seconds instead of hanging it: a connect timeout, and a client-side query timeout
 * that also covers a peer that vanished without closing the socket.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import type { DbNode } from "./db-node";

export interface PoolSettings {
  primaryPoolSize: number;
  replicaPoolSize: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

export function createNodeClient(node: DbNode, settings: PoolSettings): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: node.url,
    max: node.configuredRole === "primary" ? settings.primaryPoolSize : settings.replicaPoolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    query_timeout: settings.queryTimeoutMs,
    application_name: `tandem-app (${node.name})`,
  });
  return new PrismaClient({ adapter });
}
