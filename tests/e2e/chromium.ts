/** The Chromium every browser run here uses (Playwright's specs, Lighthouse, the screenshots), and its flags. */
import { existsSync } from "node:fs";

/**
 * PLAYWRIGHT_CHROMIUM_PATH (or CHROME_PATH, Lighthouse's name for it) if set; else Debian's Chromium
 * (`apt-get install chromium`), which is how machines that cannot download Playwright's browsers get
 * one; else undefined, meaning Playwright's own browser from `npx playwright install chromium`.
 */
export function chromiumExecutable(): string | undefined {
  const given = process.env.PLAYWRIGHT_CHROMIUM_PATH || process.env.CHROME_PATH;
  if (given) return given;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined;
}

const isRoot = process.getuid?.() === 0;

/**
 * The network is closed: nothing may try to reach Google's update, sync or field-trial servers.
 * Playwright passes these itself today; listed so nothing depends on that.
 */
export const CHROMIUM_ARGS = [
  ...(isRoot ? ["--no-sandbox"] : []), // Chromium refuses to start as root with its sandbox
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
