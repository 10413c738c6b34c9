/**
 * `npm run screenshots`: the main screens (tests/e2e/screens.ts) at 1280 and 375 px wide, light and
 * dark, into docs/screenshots/, from the e2e server (tests/e2e/serve.ts: the production build on a
 * throwaway cluster, started and stopped here). PNGs are palette-quantised with sharp to keep the
 * repository small. Run after `npm run build` (the npm script does both).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import sharp from "sharp";
import { freePorts } from "../../src/cluster/ports";
import { waitFor } from "../../src/cluster/wait-for";
import { signIn } from "./admin";
import { CHROMIUM_ARGS, chromiumExecutable } from "./chromium";
import { mainScreens } from "./screens";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
const OUT_DIR = path.join(PROJECT_ROOT, "docs/screenshots");
/** Widths and the viewport heights shot at each: a desktop window, a phone. */
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 375, height: 760 },
] as const;
const SCHEMES = ["light", "dark"] as const;

const [port] = await freePorts(1);
// tests/e2e/admin.ts finds the server's admin token by this port.
process.env.TANDEM_E2E_PORT = String(port);
const baseURL = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["--import", "tsx", "tests/e2e/serve.ts", "--port", String(port)], {
  cwd: PROJECT_ROOT,
  stdio: ["ignore", "inherit", "inherit"],
});
const serverExited = new Promise<void>((resolve) => server.once("exit", () => resolve()));

try {
  await waitFor(
    `the e2e server at ${baseURL}`,
    async () => ((await fetch(`${baseURL}/favicon.svg`).catch(() => undefined))?.ok ? true : undefined),
    {
      timeoutMs: 120_000,
      intervalMs: 250,
    },
  );
  const screens = await mainScreens(baseURL);
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  mkdirSync(OUT_DIR, { recursive: true });
  try {
    for (const viewport of VIEWPORTS) {
      for (const colorScheme of SCHEMES) {
        const context = await browser.newContext({
          baseURL,
          viewport,
          colorScheme,
          deviceScaleFactor: 1,
          reducedMotion: "reduce",
        });
        const page = await context.newPage();
        for (const screen of screens) {
          if (screen.signedIn) await signIn(page);
          else await page.goto(screen.path);
          await page.locator("h1").first().waitFor();
          await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {}); // the admin page polls: never idle
          await page.evaluate(() => document.fonts.ready);
          const file = path.join(OUT_DIR, `${screen.name}-${viewport.width}-${colorScheme}.png`);
          await sharp(await page.screenshot())
            .png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 })
            .toFile(file);
          console.log(`${path.relative(PROJECT_ROOT, file)}  ${(statSync(file).size / 1024).toFixed(0)} KiB`);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
} finally {
  stop(server);
  await serverExited;
}

/** SIGTERM, so serve.ts stops the cluster it started and deletes its directory. */
function stop(child: ChildProcess) {
  if (child.exitCode === null) child.kill("SIGTERM");
}
