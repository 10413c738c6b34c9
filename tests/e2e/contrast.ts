/**
 * Text contrast as WCAG 2 measures it, in the browser: for every element with text of its own, its
 * colour against the backgrounds painted under it (composited up the ancestors, alpha included). Colours
 * are resolved by painting them on a canvas, so any CSS colour (rgb, oklab, color-mix) is read alike.
 */
import type { Page } from "@playwright/test";

export interface ContrastFailure {
  text: string;
  ratio: number;
  required: number;
  color: string;
  background: string;
}

/** Text below its required ratio (4.5:1, or 3:1 for large text), and the page's own background luminance. */
export function contrastFailures(
  page: Page,
): Promise<{ failures: ContrastFailure[]; checked: number; pageLuminance: number }> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
    const rgba = (color: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r, g, b, a / 255];
    };
    const over = (top: [number, number, number, number], under: [number, number, number]): [number, number, number] =>
      [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])) as [number, number, number];
    const luminance = ([r, g, b]: [number, number, number]) => {
      const lin = (c: number) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const backgroundOf = (element: Element): [number, number, number] => {
      const layers: [number, number, number, number][] = [];
      for (let e: Element | null = element; e; e = e.parentElement)
        layers.push(rgba(getComputedStyle(e).backgroundColor));
      return layers.reverse().reduce<[number, number, number]>((under, layer) => over(layer, under), [255, 255, 255]);
    };
    const failures: ContrastFailure[] = [];
    let checked = 0;
    for (const element of document.body.querySelectorAll("*")) {
      const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      if (
        !own ||
        box.width === 0 ||
        box.height === 0 ||
        style.visibility === "hidden" ||
        element.closest("[aria-hidden='true'], .sr-only")
      )
        continue;
      if (Number(style.opacity) === 0) continue;
      const background = backgroundOf(element);
      const text = over(rgba(style.color), background);
      const [a, b] = [luminance(text), luminance(background)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      // Disabled controls are exempt in WCAG (1.4.3): nobody needs to read what cannot be used.
      const disabled = element.closest(":disabled, [aria-disabled='true']") !== null;
      const required = large ? 3 : 4.5;
      checked++;
      if (ratio < required && !disabled) {
        failures.push({
          text: element.textContent?.trim().slice(0, 60) ?? "",
          ratio: Math.round(ratio * 100) / 100,
          required,
          color: style.color,
          background: `rgb(${background.map(Math.round).join(", ")})`,
        });
      }
    }
    return { failures, checked, pageLuminance: luminance(backgroundOf(document.body)) };
  });
}
