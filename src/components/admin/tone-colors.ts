import type { Tone } from "./node-condition";

/** The design tokens behind each tone, for SVG (which takes colours, not classes). */
export const TONE_COLOR: Record<Tone, string> = {
  ok: "var(--ok)",
  warn: "var(--warn)",
  danger: "var(--danger)",
  info: "var(--info)",
};
