/**
 * Lighthouse (desktop preset) on the main screens of the production build the other specs run on:
 * performance ≥ 90, accessibility ≥ 95, best practices ≥ 95. Lighthouse drives its own Chromium (Debian's,
 * like Playwright's) through Puppeteer, because the admin page needs a sign-in in the same tab first:
 * the admin token lives in that tab's sessionStorage, which `disableStorageReset` keeps. The scores
 * are printed and written to test-results/lighthouse/scores.md with the full reports beside them (a
 * test run changes no tracked file); LIGHTHOUSE_RECORD=1 also writes them to docs/lighthouse-scores.md,
 * the recorded numbers. A miss fails the test naming the audits that cost points.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { adminToken } from "./admin";
import { CHROMIUM_ARGS, chromiumExecutable } from "./chromium";
import { CATEGORIES, costlyAudits, misses, type PageScores, scoresMarkdown, THRESHOLDS } from "./lighthouse-scores";
import { mainScreens } from "./screens";

const CHROME_FLAGS = ["--headless=new", "--disable-gpu", ...CHROMIUM_ARGS];
const REPORTS_DIR = path.resolve(import.meta.dirname, "../../test-results/lighthouse");
const SCORES_FILE = path.join(REPORTS_DIR, "scores.md");
/** The recorded scores, rewritten only on request: `LIGHTHOUSE_RECORD=1`. */
const RECORDED_SCORES_FILE = path.resolve(import.meta.dirname, "../../docs/lighthouse-scores.md");
const record = process.env.LIGHTHOUSE_RECORD === "1";

test("Lighthouse: performance, accessibility and best practices on the main screens", async ({ baseURL }) => {
  test.setTimeout(300_000);
  const screens = await mainScreens(baseURL!);
  mkdirSync(REPORTS_DIR, { recursive: true });
  const browser = await puppeteer.launch({ executablePath: chromiumExecutable(), args: CHROME_FLAGS, headless: true });
  const results: PageScores[] = [];
  let chromium = "";
  try {
    chromium = await browser.version();
    for (const screen of screens) {
      const url = new URL(screen.path, baseURL).href;
      const signInUrl = screen.signedIn ? new URL("/admin", baseURL).href : undefined;
      let run = await audit(browser, url, signInUrl);
      // A trace Lighthouse could not read (e.g. NO_NAVSTART) is its own failure, not the page's; its
      // advice is to run again, once. A second one fails the test with Lighthouse's words.
      if (run.lhr.runtimeError) run = await audit(browser, url, signInUrl);
      const { lhr } = run;
      expect(lhr.runtimeError, `Lighthouse could not measure ${url}`).toBeUndefined();
      // The full reports, to read why an audit lost points (test-results/ is CI's artifact folder).
      const [html, json] = run.report as string[];
      writeFileSync(path.join(REPORTS_DIR, `${screen.name}.html`), html);
      writeFileSync(path.join(REPORTS_DIR, `${screen.name}.json`), json);
      results.push({
        screen: screen.name,
        path: screen.path.replace(/\d+$/, "[id]"),
        scores: Object.fromEntries(
          CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
        ) as PageScores["scores"],
        costly: costlyAudits(lhr),
        lighthouse: lhr.lighthouseVersion,
      });
    }
  } finally {
    await browser.close();
  }
  const report = scoresMarkdown(results, {
    chromium,
    lighthouse: results[0]?.lighthouse ?? "?",
    date: new Date().toISOString().slice(0, 10),
  });
  console.log(report);
  writeFileSync(SCORES_FILE, report);
  if (record) writeFileSync(RECORDED_SCORES_FILE, report);
  expect(misses(results), `below ${JSON.stringify(THRESHOLDS)}; see ${SCORES_FILE}`).toEqual([]);
});

/** Lighthouse on `url` in a new tab, signed in first (on `signInUrl`) when the screen needs it. */
async function audit(browser: Browser, url: string, signInUrl: string | undefined) {
  const page = await browser.newPage();
  try {
    if (signInUrl) await signIn(page, signInUrl);
    const run = await lighthouse(
      url,
      {
        output: ["html", "json"],
        logLevel: "error",
        onlyCategories: [...CATEGORIES],
        disableStorageReset: !!signInUrl,
      },
      desktopConfig,
      page,
    );
    if (!run) throw new Error(`Lighthouse returned nothing for ${url}`);
    return run;
  } finally {
    await page.close();
  }
}

/** Signs in as an operator would, in the tab Lighthouse will then load the admin page in. */
async function signIn(page: Page, adminUrl: string) {
  await page.goto(adminUrl);
  await page.locator("::-p-aria(Admin token)").fill(adminToken());
  await page.locator('::-p-aria(Sign in[role="button"])').click();
  await page.waitForSelector('::-p-aria(Nodes[role="list"])');
}
