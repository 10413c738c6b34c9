/**
 * The cluster manager's command line, behind the npm scripts:
 *   db:up [--replicas N] [--port P]   create on first run, start afterwards
 *   db:up <node> / db:down <node>     start / stop that node alone (a replica down on purpose, and back)
 *   db:down / db:clean                stop (keep data) / stop and delete this cluster's data
 *   db:status [--json] [--wide]       what every node is doing, and whether each replica can follow the
 *                                     primary's timeline (a diverged one is shown; db:up rebuilds it)
 *   db:verify [--json] [--wide] [--app-url U]  seven replication checks (verify.ts), pass/fail, exit 1 on any failure;
 *                                     check 6 writes through the running app at U (or TANDEM_APP_URL; by
 *                                     default npm run dev's address, a SKIP when nothing answers there)
 *   db:promote <replica>              make a replica the primary; the others follow it
 *   db:pause <replica> / db:resume <replica>   pause or resume WAL replay (simulated lag)
 *   db:env                            DATABASE_URL=… lines for `npm start` against the embedded cluster
 *                                     (and MIGRATE_DATABASE_URL, the owner role, for Prisma Migrate)
 *   db:certs [rotate]                 each node's TLS certificate / replace them all, with a reload
 * status and verify target DATABASE_URL / DATABASE_REPLICA_URLS when set (docker/, real servers), the
 * embedded cluster otherwise. Tables fit TABLE_WIDTH columns (or a narrower terminal) unless --wide; a
 * wait over a second shows a progress line on stderr (see ./progress.ts).
 */
import { parseArgs } from "node:util";
import { urlTargetOf } from "../config/database";
import { formatLsn } from "../replication/lsn";
import { type ClusterState, defaultDataRoot } from "../replication/state";
import type { TimelineHistory } from "../replication/timeline";
import { clusterUrls } from "../replication/urls";
import { openContext, requireState } from "./context";
import { describeDivergence } from "./divergence";
import { clean, down, startOne, stopOne, up } from "./lifecycle";
import { progressTerminal } from "./progress";
import { promote } from "./promote";
import { setReplayPaused } from "./replay";
import { clusterStatus, type NodeStatus } from "./status";
import { statusTable } from "./status-table";
import { formatTable, TABLE_WIDTH } from "./table";
import { type TimelineReport, timelineReport } from "./timeline-probe";
import { type CertificateRow, listCertificates, rotateServerCertificates } from "./tls";
import { type Topology, topologyOfState, topologyOfUrls } from "./topology";
import { applicationCheck, devServerUrl, verify } from "./verify";

const terminal = progressTerminal(process.stderr);
const log = (line: string) => terminal.log(`[cluster] ${line}`);
const progress = terminal.progress;

const USAGE = `Usage (npm scripts):
  npm run db:up [-- --replicas N] [-- --port P]   create (default 2 replicas, port 54320), or start
  npm run db:up -- <node> | db:down -- <node>     start | stop one node (e.g. replica1) alone
  npm run db:down | db:clean                      stop (keep data) | stop and delete its data
  npm run db:status [-- --json] [-- --wide]       what every node is doing, diverged replicas too
  npm run db:verify [-- --json] [-- --wide]       the seven checks; exit 1 on any failure
                    [-- --app-url U]              check 6 via the app at U (default: npm run dev's)
  npm run db:promote -- <replica>                 make a replica the primary; the others follow it
  npm run db:pause -- <replica> | db:resume -- <replica>
                                                  pause | resume WAL replay on that replica
  npm run db:env                                  DATABASE_URL=… lines for other tools
  npm run db:certs [-- rotate]                    each node's TLS certificate | replace them all
Tables fit ${TABLE_WIDTH} columns; --wide prints every column at full width.
Environment: TANDEM_DATA_DIR (data root, default .tandem/),
             TANDEM_DB_PORT (primary port of a new cluster).`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  async up(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { replicas: { type: "string" }, port: { type: "string" } },
    });
    if (positionals.length > 0) {
      if (values.replicas !== undefined || values.port !== undefined)
        throw new Error("--replicas and --port apply to the whole cluster, not to one node.");
      await startOne(onlyNode(positionals, "up"), { log, progress });
      return 0;
    }
    const port = values.port ?? (process.env.TANDEM_DB_PORT || undefined);
    const state = await up({
      log,
      progress,
      replicas: values.replicas === undefined ? undefined : wholeNumber("--replicas", values.replicas, 0, 8),
      basePort: port === undefined ? undefined : wholeNumber("--port / TANDEM_DB_PORT", port, 1024, 65535),
    });
    printUrls(state);
    return 0;
  },
  async down(args) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    if (positionals.length > 0) await stopOne(onlyNode(positionals, "down"), { log, progress });
    else await down({ log, progress });
    return 0;
  },
  async clean() {
    await clean({ log, progress });
    return 0;
  },
  async status(args) {
    const { values } = parseArgs({
      args,
      options: { json: { type: "boolean", default: false }, wide: { type: "boolean", default: false } },
    });
    const { topology, state } = targetCluster();
    const statuses = await progress("reading every node's status", clusterStatus(topology));
    // Only the embedded cluster's superuser may read the primary's history file and open replication
    // connections to the replicas; a cluster given by app URLs is shown without the verdicts.
    const timelines = state
      ? { state, report: await progress("checking each replica's timeline", timelineReport(state)) }
      : undefined;
    if (values.json) console.log(JSON.stringify(statusJson(statuses, timelines), null, 2));
    else printStatus(topology, statuses, timelines, values.wide);
    return 0;
  },
  async verify(args) {
    const { values } = parseArgs({
      args,
      options: {
        json: { type: "boolean", default: false },
        wide: { type: "boolean", default: false },
        "app-url": { type: "string" },
      },
    });
    const givenUrl = values["app-url"] ?? (process.env.TANDEM_APP_URL || undefined);
    if (givenUrl !== undefined && !URL.canParse(givenUrl))
      throw new Error(`--app-url / TANDEM_APP_URL must be a URL like http://127.0.0.1:3000, got '${givenUrl}'.`);
    // Without a URL, check 6 tries where `npm run dev` serves: the app a developer has running.
    const check6 = givenUrl ? applicationCheck(givenUrl) : applicationCheck(devServerUrl(), { guessed: true });
    const results = await verify(targetCluster().topology, { applicationCheck: check6, progress });
    const failed = results.filter((r) => r.outcome === "fail").length;
    if (values.json) console.log(JSON.stringify(results, null, 2));
    else {
      // A check's number and name head its group of rows (one per node) instead of repeating on each.
      const rows = results.map((r, i) => {
        const first = i === 0 || results[i - 1].id !== r.id;
        return [first ? String(r.id) : "", first ? r.check : "", r.node, r.outcome.toUpperCase(), r.detail];
      });
      console.log(formatTable(["#", "check", "node", "result", "detail"], rows, tableOptions(values.wide)));
      console.log(failed === 0 ? "\nAll checks passed." : `\n${failed} check(s) failed.`);
    }
    return failed === 0 ? 0 : 1;
  },
  async promote(args) {
    await promote(nodeName(args, "promote"), { log, progress });
    return 0;
  },
  async pause(args) {
    await setReplayPaused(nodeName(args, "pause"), true, { log, progress });
    return 0;
  },
  async resume(args) {
    await setReplayPaused(nodeName(args, "resume"), false, { log, progress });
    return 0;
  },
  async certs(args) {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== "rotate")) {
      throw new Error(`Usage: npm run db:certs [-- rotate]; got '${positionals.join(" ")}'`);
    }
    const rows =
      positionals[0] === "rotate"
        ? await rotateServerCertificates({ log, progress })
        : await listCertificates({ log, progress });
    printCertificates(rows);
    return 0;
  },
  async env() {
    const urls = clusterUrls(requireState(openContext({ log })));
    console.log(`DATABASE_URL=${urls.primary}`);
    console.log(`DATABASE_REPLICA_URLS=${urls.replicas.join(",")}`);
    console.log(`MIGRATE_DATABASE_URL=${urls.migration}`);
    return 0;
  },
};

/** The cluster the app would use: the URLs in the environment if set, else the embedded cluster (and its state). */
function targetCluster(): { topology: Topology; state?: ClusterState } {
  const nodes = urlTargetOf(process.env);
  if (nodes) {
    log("target: DATABASE_URL / DATABASE_REPLICA_URLS");
    return { topology: topologyOfUrls(nodes) };
  }
  log(`target: the embedded cluster under ${defaultDataRoot()}`);
  const state = requireState(openContext({ log }));
  return { topology: topologyOfState(state), state };
}

interface Timelines {
  state: ClusterState;
  report: TimelineReport;
}

/**
 * The documented --json shape: one object, the primary and the replicas by name, port, URL and state.
 * On the embedded cluster, `timelineHistory` is the primary's and each replica says whether it can
 * follow it (`diverged`, with the verdict's data in `divergence`) and whether a rebuild is unfinished.
 */
function statusJson(statuses: NodeStatus[], timelines?: Timelines) {
  const replica = (s: NodeStatus) => {
    if (!timelines) return s;
    const divergence = timelines.report.replicas.get(s.name) ?? null;
    const rebuild = timelines.state.nodes.find((n) => n.name === s.name)?.rebuild ?? null;
    return {
      ...s,
      diverged: divergence && divergence.kind !== "unknown" ? divergence.kind === "diverged" : null,
      divergence,
      rebuild,
    };
  };
  return {
    primary: statuses.find((s) => s.role === "primary") ?? null,
    replicas: statuses.filter((s) => s.role === "replica").map(replica),
    fenced: statuses.filter((s) => s.role === "fenced"),
    ...(timelines ? { timelineHistory: historyJson(timelines.report.history) } : {}),
  };
}

/** The history with its fork points as PostgreSQL prints them (JSON has no 64-bit integers). */
function historyJson(history: TimelineHistory | null) {
  return (
    history && {
      timeline: history.timeline,
      forks: history.forks.map((f) => ({ timeline: f.timeline, forkLsn: formatLsn(f.forkLsn) })),
    }
  );
}

/** Fits TABLE_WIDTH, or the terminal when it is narrower; --wide: every column at full width. */
function tableOptions(wide: boolean): { maxWidth?: number } {
  return wide ? {} : { maxWidth: Math.min(TABLE_WIDTH, process.stdout.columns || TABLE_WIDTH) };
}

function printStatus(
  topology: Topology,
  statuses: NodeStatus[],
  timelines: Timelines | undefined,
  wide: boolean,
): void {
  const { headers, rows } = statusTable(statuses, (name) => followsCell(name, timelines), { wide });
  console.log(formatTable(headers, rows, tableOptions(wide)));
  for (const node of timelines?.state.nodes ?? []) {
    const verdict = timelines?.report.replicas.get(node.name);
    if (node.rebuild)
      console.log(
        `\n${node.name}: a rebuild is unfinished (old data at ${node.rebuild.asideDir}). Fix: npm run db:up finishes it`,
      );
    else if (verdict?.kind === "diverged")
      console.log(
        `\n${node.name} ${describeDivergence(verdict).replace(/^diverged/, "DIVERGED")}.\n  Fix: npm run db:up rebuilds it from the primary`,
      );
    else if (verdict?.kind === "unknown" && verdict.cause === "writable")
      console.log(`\n${node.name} is ${describeDivergence(verdict)}.`);
  }
  for (const s of statuses.filter((x) => !x.running && x.role !== "fenced"))
    console.log(`\n${s.name} (${s.host}:${s.port}) unreachable: ${s.error}`);
  const hints = [
    ...(wide ? [] : ["every lag, slot and WAL receiver: npm run db:status -- --wide"]),
    ...(topology.source === "embedded"
      ? ["URLs: npm run db:status -- --json   |   start or repair: npm run db:up"]
      : []),
  ];
  if (hints.length > 0) console.log(`\n${hints.join("\n")}`);
}

function followsCell(name: string, timelines?: Timelines): string {
  if (timelines?.state.nodes.find((n) => n.name === name)?.rebuild) return "REBUILDING";
  const verdict = timelines?.report.replicas.get(name);
  if (!verdict) return "-";
  return {
    follows: "yes",
    diverged: "DIVERGED",
    unknown: verdict.kind === "unknown" && verdict.cause === "writable" ? "WRITABLE" : "-",
  }[verdict.kind];
}

function printUrls(state: ClusterState): void {
  const urls = clusterUrls(state);
  console.log("\nThe cluster is up. Connection URLs (psql accepts them):");
  console.log(`  primary    ${urls.primary}`);
  state.nodes
    .filter((n) => n.role === "replica")
    .forEach((node, i) => {
      console.log(`  ${node.name.padEnd(10)} ${urls.replicas[i]}`);
    });
  console.log("\nThe app and Prisma find these by themselves; for other tools: npm run -s db:env");
}

function printCertificates(rows: CertificateRow[]): void {
  const cells = rows.map((r) => [r.node, r.role, r.serialNumber, r.notAfter.slice(0, 10), r.names, r.served]);
  console.log(formatTable(["node", "role", "serial", "expires", "names", "served now"], cells, tableOptions(false)));
  console.log(
    "\nCA (sslrootcert for clients): the `sslrootcert` in `npm run -s db:env`; rotate: npm run db:certs -- rotate",
  );
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got '${raw}'.`);
  return value;
}

function nodeName(args: string[], command: string): string {
  return onlyNode(parseArgs({ args, allowPositionals: true }).positionals, command);
}

function onlyNode(positionals: string[], command: string): string {
  if (positionals.length !== 1)
    throw new Error(`Usage: npm run db:${command} -- <node name>, e.g. npm run db:${command} -- replica1`);
  return positionals[0];
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const run = command ? commands[command] : undefined;
  if (!run || args.includes("--help") || args.includes("-h")) {
    console.error(USAGE);
    process.exit(run ? 0 : 2);
  }
  try {
    process.exitCode = await run(args);
  } catch (error) {
    if (isUsageError(error)) {
      // Node's own text goes on about `--` and positionals, which under `npm run` only confuses.
      console.error(`error: ${(error as Error).message.split(". ")[0]} for db:${command}.\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    console.error(`\nerror: ${explain(error as NodeJS.ErrnoException)}`);
    process.exitCode = 1;
  }
}

/** What parseArgs throws for an option it does not know, or a value where none is taken. */
function isUsageError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return (
    code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
    code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" ||
    code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
  );
}

/** File-system errors arrive as bare errno lines; say what they mean here and what to do. */
function explain(error: NodeJS.ErrnoException): string {
  if (error.code === "EEXIST" || error.code === "ENOTDIR") {
    return `${error.path ?? "The data root"} is not a directory.\n  Fix: point TANDEM_DATA_DIR at a directory (or a path that does not exist yet).`;
  }
  if (error.code === "EROFS")
    return `${error.path ?? "The data root"} is on a read-only file system.\n  Fix: point TANDEM_DATA_DIR at a writable place.`;
  if (error.code !== "EACCES" && error.code !== "EPERM") return error.message;
  return (
    `Permission denied: ${error.syscall ?? "access"} ${error.path ?? ""}\n` +
    `  The data root must be writable by you (${process.env.USER ?? "this user"}); a cluster created by another user ` +
    `(e.g. root) can only be managed by that user.\n  Fix: run as that user, or use a data root of your own: TANDEM_DATA_DIR=$HOME/tandem-data npm run db:up`
  );
}

await main();
