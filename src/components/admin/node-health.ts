/**
 * A node's health in one phrase, as the node card's "Health" says it: the writer is named by its role
 * (it takes the writes), never as "not routable", which reads like a fault.
 */
import type { NodeView } from "./admin-api";

export function healthWords(node: NodeView): string {
  if (node.fenced) return "fenced: stopped for good by a promote";
  if (!node.reachable) return "unreachable";
  if (node.routing.routable) return "routable";
  if (node.routing.kind === "primary") return "writer: takes the writes, and reads only when no replica can";
  return `not routable: ${node.routing.detail}`;
}
