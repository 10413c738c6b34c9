/**
 * What nodes given by URL are called, in configuration order. The app (src/server/db/nodes.ts) and the
 * cluster manager (topology.ts) both name them so, so their views line up by name.
 */
export function positionalNames(replicas: number): string[] {
  return ["primary", ...Array.from({ length: replicas }, (_, i) => `replica${i + 1}`)];
}
