/**
 * What a read callback gets: every model's read operations and raw SELECTs, nothing that writes. It is
 * derived from the generated client, so a model added to the schema is readable here with no edit, and a
 * write cannot be made through a read by mistake (it would reach the primary without a consistency token).
 */
import { readReplicas } from "@prisma/extension-read-replicas";
import type { Prisma, PrismaClient } from "~/generated/prisma/client";

type ReadOperation =
  | "findUnique"
  | "findUniqueOrThrow"
  | "findFirst"
  | "findFirstOrThrow"
  | "findMany"
  | "count"
  | "aggregate"
  | "groupBy";
type ModelProp = Prisma.TypeMap["meta"]["modelProps"];

export type ReadClient = {
  [M in ModelProp]: Pick<PrismaClient[M], Extract<keyof PrismaClient[M], ReadOperation>>;
} & Pick<PrismaClient, "$queryRaw" | "$queryRawUnsafe">;

/** The raw read methods, which the extension does not route (it sends them to the primary). */
const RAW_READS = new Set<string | symbol>(["$queryRaw", "$queryRawUnsafe"]);

/**
 * A client whose reads go to `replica`: @prisma/extension-read-replicas given one replica, the one the
 * data layer chose. The extension routes model reads only; `$queryRaw` would run on the primary while
 * the answer says "replica", so raw reads are sent to the extension's replica (`$replica()`) here.
 */
export function replicaReadClient(writer: PrismaClient, replica: PrismaClient): ReadClient {
  const extended = writer.$extends(readReplicas({ replicas: [replica] }));
  return new Proxy(extended, {
    get(target, property, receiver) {
      if (!RAW_READS.has(property)) return Reflect.get(target, property, receiver);
      const onReplica = target.$replica();
      return (onReplica[property as "$queryRaw"] as (...args: unknown[]) => unknown).bind(onReplica);
    },
  }) as unknown as ReadClient;
}

/**
 * A node's own client, for reads on the primary. The extension adds a query hook and two client methods
 * but no model types, so the delegates are the same at runtime as the extended client's.
 */
export function nodeReadClient(client: PrismaClient): ReadClient {
  return client as unknown as ReadClient;
}
