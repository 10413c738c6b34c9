/**
 * `db:verify`'s check 6 without --app-url: it tries where `npm run dev` serves (127.0.0.1, PORT or
 * 3000), so a developer with the app running gets all seven checks from a bare `npm run db:verify`.
 * Here the app's real handlers serve a throwaway cluster over HTTP; PORT points verify at it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts } from "~/cluster/ports";
import { type ApiHarness, startApiHarness } from "../support/api-harness";
import { startTestCluster } from "../support/cluster";
import { clusterCli } from "../support/run";

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h?.stop();
});

type Check = { id: number; node: string; outcome: string; detail: string };
const check6 = (stdout: string) => (JSON.parse(stdout) as Check[]).filter((c) => c.id === 6);

describe("db:verify's check 6 at the dev server's address", () => {
  it("writes through the app answering there and reads the user on every replica", async () => {
    const result = await clusterCli(h.cluster.root, ["verify", "--json"], {
      PORT: new URL(h.url).port,
      TANDEM_APP_URL: "",
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const rows = check6(result.stdout);
    expect(rows.map((r) => [r.node, r.outcome])).toEqual([
      ["replica1", "pass"],
      ["replica2", "pass"],
    ]);
    expect(rows[0].detail).toMatch(/created via the API \(written on primary\) visible \d+ ms after the API answered/);
  });

  it("is a SKIP, not a failure, when the app there writes to another cluster", async () => {
    const other = await startTestCluster({ replicas: 1 });
    try {
      const result = await clusterCli(other.root, ["verify", "--json"], {
        PORT: new URL(h.url).port,
        TANDEM_APP_URL: "",
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const primaryPort = other.state().nodes.find((n) => n.role === "primary")!.port;
      expect(check6(result.stdout)).toEqual([
        expect.objectContaining({
          outcome: "skip",
          detail: expect.stringMatching(
            new RegExp(`writes to 127\\.0\\.0\\.1:\\d+, not to this cluster's primary \\(port ${primaryPort}\\)`),
          ),
        }),
      ]);
    } finally {
      await other.stop();
    }
  });

  it("is a SKIP that says how to start the app when nothing answers there", async () => {
    const [port] = await freePorts(1);
    const result = await clusterCli(h.cluster.root, ["verify", "--json"], { PORT: String(port), TANDEM_APP_URL: "" });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(check6(result.stdout)).toEqual([
      expect.objectContaining({
        outcome: "skip",
        detail: expect.stringContaining(`no app answered at http://127.0.0.1:${port}, where npm run dev serves`),
      }),
    ]);
  });
});
