/**
 * One temp directory per test run for every cluster the tests start, and a sweep at the end that stops
 * whatever a crashed test left running (embedded clusters, Patroni clusters): a test run leaves no
 * PostgreSQL, Patroni or etcd process behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sweepTestClusters } from "./cluster";
import { sweepTestPatroni } from "./patroni";

export function setup(): () => Promise<void> {
  const runDir = mkdtempSync(path.join(os.tmpdir(), "tandem-tests-"));
  process.env.TANDEM_TEST_RUN_DIR = runDir;
  return async () => {
    await sweepTestPatroni();
    await sweepTestClusters();
    rmSync(runDir, { recursive: true, force: true });
  };
}
