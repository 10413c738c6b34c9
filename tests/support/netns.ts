/**
 * A multi-host test topology on one machine: each node in a network namespace of its own, joined by a
 * veth pair to a bridge in the root namespace, where the app runs (docs/multi-host-testing.md).
 *
 *   root namespace (the app)       bridge tndb<pid>  10.213.N.1/24
 *     ├─ tndv<pid>x0 ══ eth0  netns tnd-<pid>-primary   10.213.N.10
 *     ├─ tndv<pid>x1 ══ eth0  netns tnd-<pid>-replica1  10.213.N.11
 *     └─ tndv<pid>x2 ══ eth0  netns tnd-<pid>-replica2  10.213.N.12
 *
 * Names carry the owning process's pid, so a later run can tell a killed run's leftovers (owner gone:
 * swept) from a parallel run's (owner alive: left alone). N is claimed with an exclusive file under
 * /run, so parallel runs never share a subnet. Partitions are iptables DROP rules inside a node's
 * namespace: packets vanish (no RST, no ICMP), as on a real network that lost a link.
 */
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ClusterNetwork } from "../../src/cluster/node-network";

const NETNS_PREFIX = "tnd-";
const BRIDGE_PREFIX = "tndb";
const VETH_PREFIX = "tndv";
/** Marks the one rule this topology adds to the root namespace's firewall, with the owner's pid. */
const RULE_COMMENT_PREFIX = "tandem-netns-";
/** Subnet claims: one file per third octet N, holding the owner's pid. */
const CLAIMS_DIR = "/run/tandem-netns";
const SUBNET_PREFIX = "10.213";

/** Why this machine cannot run the topology, or undefined when it can (tests skip with this reason). */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "network namespaces need root (ip netns, iptables)";
  for (const [tool, args] of [
    ["ip", ["-V"]],
    ["iptables", ["--version"]],
    ["nsenter", ["--version"]],
  ] as const) {
    try {
      execFileSync(tool, args, { stdio: "ignore" });
    } catch {
      return `'${tool}' is missing (Debian: apt-get install iproute2 iptables util-linux)`;
    }
  }
  const probe = `${NETNS_PREFIX}${process.pid}-probe`;
  try {
    run("ip", ["netns", "add", probe]);
    run("ip", ["netns", "exec", probe, "iptables", "-w", "-S"]);
  } catch (error) {
    return `cannot make a network namespace with a firewall here: ${(error as Error).message}`;
  } finally {
    tryRun("ip", ["netns", "del", probe]);
  }
  return undefined;
}

export interface NetnsNode {
  name: string;
  netns: string;
  host: string;
  /** The root namespace's end of its veth pair. */
  veth: string;
}

export interface NetnsTopology {
  /** The app's address on the bridge: what the nodes see app connections come from. */
  gateway: string;
  subnet: string;
  nodes: NetnsNode[];
  /** What `up({ network })` takes. */
  network: ClusterNetwork;
  /** Drops every packet in and out of the node (both directions), as a host whose link is gone. */
  isolate(name: string): void;
  /** Drops the packets between two nodes only, in `name`'s namespace; both still reach the app. */
  separate(name: string, from: string): void;
  /** Removes every partition rule from the node's namespace. */
  heal(name: string): void;
  /** The partition rules now in a node's namespace, as `iptables -S` prints them. */
  rules(name: string): string[];
  /** Removes the namespaces (killing what still runs in them), links, bridge, firewall rule and claim. */
  destroy(): void;
}

/** Creates the namespaces and links for `names`, and registers their removal at process exit. */
export function createNetnsTopology(names: string[]): NetnsTopology {
  sweepStaleNetns();
  const pid = process.pid;
  const octet = claimSubnet();
  const subnet = `${SUBNET_PREFIX}.${octet}.0/24`;
  const gateway = `${SUBNET_PREFIX}.${octet}.1`;
  const bridge = `${BRIDGE_PREFIX}${pid}`;
  const forwardRule = [
    "FORWARD",
    "-i",
    bridge,
    "-o",
    bridge,
    "-m",
    "comment",
    "--comment",
    `${RULE_COMMENT_PREFIX}${pid}`,
    "-j",
    "ACCEPT",
  ];
  const nodes: NetnsNode[] = names.map((name, i) => ({
    name,
    netns: `${NETNS_PREFIX}${pid}-${name}`,
    host: `${SUBNET_PREFIX}.${octet}.${10 + i}`,
    veth: `${VETH_PREFIX}${pid}x${i}`,
  }));

  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    process.off("exit", destroy);
    for (const node of nodes) removeNetns(node.netns);
    for (const node of nodes) tryRun("ip", ["link", "del", node.veth]);
    tryRun("ip", ["link", "del", bridge]);
    tryRun("iptables", ["-w", "-D", ...forwardRule]);
    rmSync(path.join(CLAIMS_DIR, String(octet)), { force: true });
  };
  // A test that throws, or a run stopped with Ctrl-C, still leaves the machine as it found it; a run
  // killed outright is swept by the next one (sweepStaleNetns).
  process.on("exit", destroy);

  try {
    run("ip", ["link", "add", bridge, "type", "bridge"]);
    run("ip", ["addr", "add", `${gateway}/24`, "dev", bridge]);
    run("ip", ["link", "set", bridge, "up"]);
    // Bridged frames pass the root firewall's FORWARD chain when br_netfilter is loaded (Docker sets
    // that chain's policy to DROP): let the topology's own traffic through, whatever the policy.
    run("iptables", ["-w", "-I", ...forwardRule]);
    for (const node of nodes) {
      run("ip", ["netns", "add", node.netns]);
      run("ip", ["link", "add", node.veth, "type", "veth", "peer", "name", "eth0", "netns", node.netns]);
      run("ip", ["link", "set", node.veth, "master", bridge, "up"]);
      run("ip", ["-n", node.netns, "addr", "add", `${node.host}/24`, "dev", "eth0"]);
      run("ip", ["-n", node.netns, "link", "set", "lo", "up"]);
      run("ip", ["-n", node.netns, "link", "set", "eth0", "up"]);
      run("ip", ["-n", node.netns, "route", "add", "default", "via", gateway]);
    }
  } catch (error) {
    destroy();
    throw error;
  }

  const find = (name: string) => {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node '${name}' in this topology (${names.join(", ")})`);
    return node;
  };
  const iptables = (name: string, args: string[]) =>
    run("ip", ["netns", "exec", find(name).netns, "iptables", "-w", ...args]);
  return {
    gateway,
    subnet,
    nodes,
    network: {
      nodes: Object.fromEntries(nodes.map((n) => [n.name, { host: n.host, netns: n.netns }])),
      clientNetworks: [subnet],
    },
    isolate(name) {
      iptables(name, ["-A", "INPUT", "-i", "eth0", "-j", "DROP"]);
      iptables(name, ["-A", "OUTPUT", "-o", "eth0", "-j", "DROP"]);
    },
    separate(name, from) {
      const other = find(from).host;
      iptables(name, ["-A", "INPUT", "-s", other, "-j", "DROP"]);
      iptables(name, ["-A", "OUTPUT", "-d", other, "-j", "DROP"]);
    },
    heal(name) {
      iptables(name, ["-F", "INPUT"]);
      iptables(name, ["-F", "OUTPUT"]);
    },
    rules(name) {
      return iptables(name, ["-S"])
        .split("\n")
        .filter((line) => line.startsWith("-A "));
    },
    destroy,
  };
}

/**
 * Removes what a killed run left: namespaces, links, firewall rules and subnet claims whose owner
 * process is gone. Returns what it removed, for the test to report.
 */
export function sweepStaleNetns(): string[] {
  const removed: string[] = [];
  const stale = (pid: string | undefined) => pid !== undefined && !isAlive(Number(pid));
  for (const line of tryRun("ip", ["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0];
    const owner = name.startsWith(NETNS_PREFIX) ? name.slice(NETNS_PREFIX.length).split("-")[0] : undefined;
    if (!stale(owner)) continue;
    removeNetns(name);
    removed.push(`netns ${name}`);
  }
  for (const line of tryRun("ip", ["-o", "link", "show"]).split("\n")) {
    const name = line.split(": ")[1]?.split("@")[0];
    const owner = name && /^(?:tndb|tndv)(\d+)/.exec(name)?.[1];
    if (!owner || !stale(owner)) continue;
    tryRun("ip", ["link", "del", name]);
    removed.push(`link ${name}`);
  }
  for (const rule of tryRun("iptables", ["-w", "-S", "FORWARD"]).split("\n")) {
    const owner = new RegExp(`${RULE_COMMENT_PREFIX}(\\d+)`).exec(rule)?.[1];
    if (!rule.startsWith("-A ") || !stale(owner)) continue;
    tryRun("iptables", ["-w", ...rule.replace(/^-A /, "-D ").split(" ").map(unquote)]);
    removed.push(`iptables rule ${rule}`);
  }
  for (const claim of listClaims()) {
    if (!stale(readOwner(claim))) continue;
    rmSync(path.join(CLAIMS_DIR, claim), { force: true });
    removed.push(`subnet claim ${SUBNET_PREFIX}.${claim}.0/24`);
  }
  for (const entry of readdirSafe(CLAIMS_DIR).filter((name) => name.startsWith(".pid-") && stale(name.slice(5))))
    rmSync(path.join(CLAIMS_DIR, entry), { force: true });
  return removed;
}

/** Every namespace, link and rule of this process's topologies (what a passing run must leave: nothing after destroy). */
export function leftoversOf(pid = process.pid): string[] {
  const netns = tryRun("ip", ["netns", "list"])
    .split("\n")
    .filter((l) => l.startsWith(`${NETNS_PREFIX}${pid}-`));
  const links = tryRun("ip", ["-o", "link", "show"])
    .split("\n")
    .filter((l) => new RegExp(`: (?:tndb|tndv)${pid}(?:\\D|$)`).test(l));
  const rules = tryRun("iptables", ["-w", "-S", "FORWARD"])
    .split("\n")
    .filter((l) => l.includes(`${RULE_COMMENT_PREFIX}${pid}`));
  const claims = listClaims().filter((c) => readOwner(c) === String(pid));
  return [...netns, ...links, ...rules, ...claims.map((c) => `claim ${c}`)];
}

/**
 * Stops what still runs in the namespace (the servers of a test that died before stopping them), then
 * removes it. SIGQUIT first, PostgreSQL's immediate shutdown, which still releases its shared memory;
 * SIGKILL for whatever is left after a few seconds.
 */
function removeNetns(netns: string): void {
  const pids = () => tryRun("ip", ["netns", "pids", netns]).split("\n").filter(Boolean).map(Number);
  for (const signal of ["SIGQUIT", "SIGKILL"] as const) {
    const running = pids();
    if (running.length === 0) break;
    for (const pid of running) signalQuietly(pid, signal);
    for (let waited = 0; waited < 5_000 && pids().length > 0; waited += 100) sleepSync(100);
  }
  tryRun("ip", ["netns", "del", netns]);
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** A blocking sleep: cleanup also runs in an exit handler, where nothing asynchronous gets to run. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The first free third octet from one derived from the pid. Claimed by hard-linking a file that already
 * holds the pid (link fails if the name exists), so a claim is never seen without its owner.
 */
function claimSubnet(): number {
  mkdirSync(CLAIMS_DIR, { recursive: true, mode: 0o755 });
  const mine = path.join(CLAIMS_DIR, `.pid-${process.pid}`);
  writeFileSync(mine, String(process.pid));
  try {
    for (let i = 0; i < 254; i++) {
      const octet = ((process.pid + i) % 254) + 1;
      if (subnetInUse(octet)) continue; // a network that is not a test topology's
      try {
        linkSync(mine, path.join(CLAIMS_DIR, String(octet)));
        return octet;
      } catch {
        // claimed by a live run (stale claims were swept)
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new Error(`no free ${SUBNET_PREFIX}.N.0/24 subnet for a test topology (claims under ${CLAIMS_DIR})`);
}

function subnetInUse(octet: number): boolean {
  return tryRun("ip", ["-4", "-o", "addr", "show"]).includes(` ${SUBNET_PREFIX}.${octet}.`);
}

function listClaims(): string[] {
  return readdirSafe(CLAIMS_DIR).filter((name) => /^\d+$/.test(name));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readOwner(claim: string): string | undefined {
  try {
    return readFileSync(path.join(CLAIMS_DIR, claim), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unquote(word: string): string {
  return word.replace(/^"(.*)"$/, "$1");
}

function run(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`${file} ${args.join(" ")}: ${stderr || (error as Error).message}`);
  }
}

/** For cleanup: what is already gone is fine. */
function tryRun(file: string, args: string[]): string {
  try {
    return run(file, args);
  } catch {
    return "";
  }
}
