/**
 * End-to-end tests: Chromium against the production build (`npm run test:e2e` builds first), served by
 * tests/e2e/serve.ts on a throwaway PostgreSQL cluster that it starts and stops itself.
 */
import { defineConfig, devices } from "@playwright/test";
import { freePorts } from "./src/cluster/ports";
import { CHROMIUM_ARGS, chromiumExecutable } from "./tests/e2e/chromium";

/**
 * The app's port, picked once per run. Playwright loads this file again in every worker process; the
 * workers inherit the runner's environment, so they all read the port the runner picked.
 */
process.env.TANDEM_E2E_PORT ??= String((await freePorts(1))[0]);
const port = Number(process.env.TANDEM_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  forbidOnly: !!process.env.CI,
  // One server and one database for all tests: running them in parallel would make them share state.
  workers: 1,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    headless: true,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
  webServer: {
    command: `node --import tsx tests/e2e/serve.ts --port ${port}`,
    // A static file, not a page: Playwright waits for the server, and a page that fails to render
    // should fail its test with the error, not time out here.
    url: `${baseURL}/favicon.svg`,
    // Starting the cluster (initdb plus two base backups) dominates: ~8 s on a 2-core machine; the
    // margin is for a loaded CI box and for the migrations to come.
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    // SIGTERM, not Playwright's default SIGKILL, so serve.ts can stop the cluster it started.
    gracefulShutdown: { signal: "SIGTERM", timeout: 60_000 },
  },
});
