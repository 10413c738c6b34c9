/**
 * Where the topology diagram draws each node and edge: the writer on the left, the replicas in a column
 * on the right, an edge from the writer to each replica labelled with its lag; nodes that are neither
 * (fenced, down, stale primaries) under the replicas, with no edge. Pure, so it is tested without a browser.
 */
import { formatDuration } from "~/format/units";
import type { NodeView } from "./admin-api";
import { conditionOf, type Tone } from "./node-condition";

export interface TopologyNode {
  name: string;
  x: number;
  y: number;
  label: string;
  tone: Tone;
  role: "writer" | "replica" | "other";
}

export interface TopologyEdge {
  from: string;
  to: string;
  /** "lag 12 ms", "lag —" when unknown, or the state when the replica serves no reads. */
  label: string;
  tone: Tone;
}

export interface TopologyLayout {
  width: number;
  height: number;
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 56;
const GAP_Y = 20;
const COLUMN_X = 360;

export function topologyLayout(nodes: NodeView[], writer: string | null): TopologyLayout {
  const writerNode = nodes.find((n) => n.name === writer);
  const replicas = nodes.filter((n) => n !== writerNode && n.role === "replica" && !n.fenced);
  const others = nodes.filter((n) => n !== writerNode && !replicas.includes(n));
  const right = [...replicas, ...others];
  const height = Math.max(1, right.length) * (NODE_HEIGHT + GAP_Y) - GAP_Y;
  const placed: TopologyNode[] = right.map((n, i) => ({
    ...badge(n),
    x: COLUMN_X,
    y: i * (NODE_HEIGHT + GAP_Y),
    role: replicas.includes(n) ? "replica" : "other",
  }));
  if (writerNode) placed.unshift({ ...badge(writerNode), x: 0, y: (height - NODE_HEIGHT) / 2, role: "writer" });
  const edges: TopologyEdge[] = writerNode
    ? replicas.map((r) => {
        const condition = conditionOf(r);
        const lag = `lag ${formatDuration(r.lagSeconds === null ? null : r.lagSeconds * 1000)}`;
        return {
          from: writerNode.name,
          to: r.name,
          label: condition.tone === "ok" ? lag : `${lag} · ${condition.label.toLowerCase()}`,
          tone: condition.tone,
        };
      })
    : [];
  return { width: COLUMN_X + NODE_WIDTH, height, nodes: placed, edges };
}

function badge(n: NodeView): { name: string; label: string; tone: Tone } {
  const { label, tone } = conditionOf(n);
  return { name: n.name, label, tone };
}
