"use client";

import { memo, useId } from "react";
import type { NodeView } from "./admin-api";
import { TONE_COLOR } from "./tone-colors";
import { NODE_HEIGHT, NODE_WIDTH, type TopologyLayout, topologyLayout } from "./topology-layout";

/** The writer, the replicas it streams to with each one's lag on its edge, and any other node; states by colour and by text. */
export const TopologyDiagram = memo(function TopologyDiagram({
  nodes,
  writer,
}: {
  nodes: NodeView[];
  writer: string | null;
}) {
  const layout = topologyLayout(nodes, writer);
  const id = useId();
  return (
    <figure aria-labelledby={`${id}-caption`} className="overflow-x-auto">
      <figcaption id={`${id}-caption`} className="sr-only">
        Topology
      </figcaption>
      <svg
        viewBox={`-4 -4 ${layout.width + 8} ${layout.height + 8}`}
        className="h-auto w-full min-w-[34rem] max-w-3xl"
        role="img"
        aria-label={summaryOf(layout, writer)}
      >
        {layout.edges.map((edge) => (
          <Edge key={edge.to} layout={layout} {...edge} />
        ))}
        {layout.nodes.map((node) => (
          <g key={node.name} transform={`translate(${node.x} ${node.y})`}>
            <rect
              width={NODE_WIDTH}
              height={NODE_HEIGHT}
              rx={8}
              fill="var(--card)"
              stroke={TONE_COLOR[node.tone]}
              strokeWidth={node.role === "writer" ? 2.5 : 1.5}
            />
            <text x={12} y={23} fill="var(--foreground)" fontSize={15} fontWeight={600}>
              {node.name}
            </text>
            <text x={12} y={43} fill={TONE_COLOR[node.tone]} fontSize={13}>
              {node.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
});

function Edge({ layout, from, to, label, tone }: TopologyLayout["edges"][number] & { layout: TopologyLayout }) {
  const a = layout.nodes.find((n) => n.name === from);
  const b = layout.nodes.find((n) => n.name === to);
  if (!a || !b) return null;
  const [x1, y1, x2, y2] = [a.x + NODE_WIDTH, a.y + NODE_HEIGHT / 2, b.x, b.y + NODE_HEIGHT / 2];
  const dashed = tone !== "ok";
  return (
    <g>
      <line
        x1={x1}
        y1={y1}
        x2={x2 - 6}
        y2={y2}
        stroke={TONE_COLOR[tone]}
        strokeWidth={2}
        strokeDasharray={dashed ? "6 4" : undefined}
      />
      <polygon points={`${x2},${y2} ${x2 - 9},${y2 - 5} ${x2 - 9},${y2 + 5}`} fill={TONE_COLOR[tone]} />
      <text
        x={(x1 + x2) / 2}
        y={(y1 + y2) / 2 - 8}
        textAnchor="middle"
        fill="var(--foreground)"
        fontSize={13}
        paintOrder="stroke"
        stroke="var(--background)"
        strokeWidth={4}
      >
        {label}
      </text>
    </g>
  );
}

/** The diagram in a sentence: "primary (Writer) streams to replica1 (lag 2 ms), replica2 (lag 3 ms); also: …". */
function summaryOf(layout: TopologyLayout, writer: string | null): string {
  const writerNode = layout.nodes.find((n) => n.role === "writer");
  const streams = layout.edges.map((e) => `${e.to} (${e.label})`).join(", ");
  const others = layout.nodes.filter((n) => n.role === "other").map((n) => `${n.name} (${n.label})`);
  const head = writerNode
    ? `${writerNode.name} (${writerNode.label}) streams to ${streams || "no replica"}`
    : `No writer${writer ? ` (${writer})` : ""}`;
  return `Topology: ${head}${others.length ? `; also ${others.join(", ")}` : ""}.`;
}
