import { sparklinePath } from "./sparkline-path";

const WIDTH = 96;
const HEIGHT = 24;

/** A small trend line beside a figure; decorative (the figure says the value), so hidden from screen readers. */
export function Sparkline({ values, color = "currentColor" }: { values: (number | null)[]; color?: string }) {
  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`-1 -1 ${WIDTH + 2} ${HEIGHT + 2}`}
      aria-hidden="true"
      className="shrink-0 overflow-visible"
    >
      <path
        d={sparklinePath(values, WIDTH, HEIGHT)}
        fill="none"
        stroke={color}
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
