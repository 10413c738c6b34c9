/**
 * `db:verify`: seven checks that replication works (replicas streaming and in recovery, lag, a row written
 * on the primary visible on each replica, a write through the app), otherwise run by hand with psql, in one go. A marker row is written on the primary first, so the lag columns and receiver timestamps
 * describe live replication rather than an idle connection. The marker's timing is also what the admin
 * API's replication.probe reports (../replication/visibility.ts).
 */
import { randomUUID } from "node:crypto";
import { secondsAsMs } from "../format/units";
import {
  closeAll,
  type MarkerProbe,
  openPollers,
  type ProbeNode,
  startMarkerProbe,
  timeSince,
  VISIBILITY_BOUND_MS,
} from "../replication/visibility";
import { callApp } from "./app-api";
import { type Progress, silentProgress } from "./progress";
import { clusterStatus, type NodeStatus } from "./status";
import { primaryNode, replicaNodes, type Topology, type TopologyNode } from "./topology";

export interface CheckResult {
  id: number;
  check: string;
  node: string;
  outcome: "pass" | "fail" | "skip";
  detail: string;
}

export { VISIBILITY_BOUND_MS } from "../replication/visibility";
/** How old a replica's last message from the primary may be before check 3 fails. */
export const RECEIVER_FRESHNESS_S = 15;

export interface VerifyOptions {
  /** Check 6 (`applicationCheck(appUrl)` below); without it the check is skipped, saying how to enable it. */
  applicationCheck?: (topology: Topology) => Promise<Omit<CheckResult, "id" | "check">[]>;
  /** Shows the waits (a replica that does not replay waits out VISIBILITY_BOUND_MS). */
  progress?: Progress;
}

/** Where `npm run dev` serves the app unless told otherwise (src/server/http/server.ts). */
export function devServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${env.PORT || 3000}`;
}

const APPLICATION_CHECK = "application-level: write via API, read on replicas";
const NO_APP_URL =
  "not run: give the running app's URL with --app-url http://127.0.0.1:3000 (or TANDEM_APP_URL) to create a user through the API and read it on every replica";

export async function verify(topology: Topology, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const progress = options.progress ?? silentProgress;
  const primary = primaryNode(topology);
  const replicas = replicaNodes(topology);
  const results: CheckResult[] = [];
  const add = (id: number, check: string, node: string, ok: boolean, detail: string) =>
    results.push({ id, check, node, outcome: ok ? "pass" : "fail", detail });

  let probe: MarkerProbe;
  try {
    probe = await startMarkerProbe(probeNode(primary), replicas.map(probeNode));
  } catch (error) {
    add(
      0,
      "primary accepts writes",
      primary.name,
      false,
      `${(error as Error).message}: every check starts with a write on the primary. Start it with \`npm run db:up\`, or fail over with \`npm run db:promote -- <replica>\`.`,
    );
    return results;
  }
  const statuses = await progress("reading every node's status", clusterStatus(topology));
  const statusOf = (name: string) => statuses.find((s) => s.name === name) as NodeStatus;
  if (replicas.length === 0)
    add(1, "pg_stat_replication: every replica streaming", primary.name, false, "no replicas configured");

  for (const replica of replicas) {
    const s = statusOf(replica.name);
    add(
      1,
      "pg_stat_replication: streaming",
      replica.name,
      s.state === "streaming",
      `state ${s.state ?? "absent (not connected to the primary)"}, sync_state ${s.syncState ?? "-"}`,
    );
    add(
      2,
      "pg_is_in_recovery() is true",
      replica.name,
      s.inRecovery === true,
      s.running ? `in recovery: ${s.inRecovery}` : `unreachable: ${s.error}`,
    );
    const receiverAge = ageSeconds(s.walReceiver?.lastMsgReceiptTime);
    add(
      3,
      "pg_stat_wal_receiver: streaming, recent messages",
      replica.name,
      s.walReceiver?.status === "streaming" && receiverAge !== null && receiverAge <= RECEIVER_FRESHNESS_S,
      s.walReceiver
        ? `status ${s.walReceiver.status}, last message ${receiverAge?.toFixed(1) ?? "never"} s ago`
        : "no WAL receiver",
    );
    add(
      4,
      "write/flush/replay lag reported",
      replica.name,
      s.writeLsn != null && s.flushLsn != null && s.replayLsn != null,
      s.writeLsn == null
        ? "no row in pg_stat_replication"
        : `write ${secondsAsMs(s.writeLagSeconds)}, flush ${secondsAsMs(s.flushLagSeconds)}, replay ${secondsAsMs(s.replayLagSeconds)}, ${s.lagBytes} bytes behind`,
    );
  }

  const arrivals = await progress(
    `waiting for ${replicas.map((r) => r.name).join(", ") || "the replicas"} to replay a marker row (at most ${VISIBILITY_BOUND_MS / 1000} s each)`,
    probe.arrivals,
  );
  for (const { node, replayed, visible } of arrivals) {
    const s = statusOf(node);
    add(
      5,
      "replay delay",
      node,
      replayed.ok && s.replayPaused !== true,
      replayed.ok
        ? `replayed the primary's latest commit ${replayed.ms} ms after it; replay ${s.replayPaused ? "PAUSED" : "running"}`
        : `not replayed within ${VISIBILITY_BOUND_MS} ms (replay ${s.replayPaused ? "paused" : "running"}): ${replayed.error}`,
    );
    add(
      7,
      "row written on primary visible on replica",
      node,
      visible.ok,
      visible.ok
        ? `visible ${visible.ms} ms after commit`
        : `not visible within ${VISIBILITY_BOUND_MS} ms: ${visible.error}`,
    );
  }

  const applicationResults = options.applicationCheck
    ? await progress(
        "check 6: a user written through the app, read on every replica",
        options.applicationCheck(topology),
      )
    : [{ node: "-", outcome: "skip" as const, detail: NO_APP_URL }];
  for (const r of applicationResults) results.push({ id: 6, check: APPLICATION_CHECK, ...r });

  await probe.finish();
  return results.sort((a, b) => a.id - b.id);
}

/** Status and verify query with `queryUrl`: the superuser on the embedded cluster, the app role elsewhere. */
function probeNode(node: TopologyNode): ProbeNode {
  return { name: node.name, url: node.queryUrl };
}

/**
 * Check 6: the whole path an app write takes. A user is created through the running app's API (so the
 * app's own routing picks the primary), then looked up directly with SQL on each replica. The app not
 * answering is a SKIP that says how to start it; the app answering with an error is a FAIL.
 * `guessed`: the URL is the dev server's default, not one the user gave, so an app there that writes
 * to another cluster's primary (a dev server on another data root) is a SKIP, not this cluster's FAIL.
 */
export function applicationCheck(
  appUrl: string,
  { guessed = false } = {},
): NonNullable<VerifyOptions["applicationCheck"]> {
  return async (topology) => {
    const replicas = replicaNodes(topology);
    const primary = primaryNode(topology);
    const pollers = await openPollers(replicas.map(probeNode));
    try {
      const created = await callApp<{ user: { id: number }; servedBy: { node: string; endpoint: string } }>(
        appUrl,
        "user.create",
        { name: "db:verify check 6", email: `verify-${randomUUID()}@tandem.invalid` },
        APP_ANSWER_TIMEOUT_MS,
      );
      if (!created.answered) {
        const detail = guessed
          ? `no app answered at ${appUrl}, where npm run dev serves (${created.reason}): start it with npm run dev, or give its URL with --app-url`
          : `the app at ${appUrl} did not answer (${created.reason}): start it with npm run dev, or drop --app-url`;
        return [{ node: "-", outcome: "skip", detail }];
      }
      if ("error" in created)
        return [{ node: "-", outcome: "fail", detail: `creating a user through ${appUrl} failed: ${created.error}` }];
      const answeredAt = Date.now();
      const { user, servedBy } = created.result;
      if (guessed && !servedBy.endpoint.endsWith(`:${primary.port}`)) {
        await callApp(appUrl, "user.delete", { id: user.id }, APP_ANSWER_TIMEOUT_MS);
        return [
          {
            node: "-",
            outcome: "skip",
            detail: `the app at ${appUrl} writes to ${servedBy.endpoint}, not to this cluster's primary (port ${primary.port}): give this cluster's app with --app-url`,
          },
        ];
      }
      const results = await Promise.all(
        replicas.map(async (replica, i) => {
          const seen = await timeSince(
            answeredAt,
            pollers[i],
            "SELECT EXISTS (SELECT 1 FROM public.users WHERE id = $1) AS ok",
            [user.id],
          );
          return {
            node: replica.name,
            outcome: seen.ok ? ("pass" as const) : ("fail" as const),
            detail: seen.ok
              ? `user ${user.id} created via the API (written on ${servedBy.node}) visible ${seen.ms} ms after the API answered`
              : `user ${user.id} created via the API not visible within ${VISIBILITY_BOUND_MS} ms (${seen.error}): is the app using this cluster?`,
          };
        }),
      );
      await callApp(appUrl, "user.delete", { id: user.id }, APP_ANSWER_TIMEOUT_MS);
      return results;
    } finally {
      await closeAll(pollers);
    }
  };
}

/** How long check 6 waits for the app to answer: its own database timeouts are shorter. */
const APP_ANSWER_TIMEOUT_MS = 15_000;

function ageSeconds(iso: string | null | undefined): number | null {
  return iso ? (Date.now() - Date.parse(iso)) / 1000 : null;
}
