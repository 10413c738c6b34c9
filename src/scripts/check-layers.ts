/**
 * `npm run check:layers`: who may import whom under src/, checked with dependency-cruiser on every
 * `npm test`. The rules (README, "Layers"):
 *   - no import cycle between modules, between folders, or between src/'s top-level folders;
 *   - the cluster manager (src/cluster), the HA profile (src/ha) and the schema-engine shim
 *     (src/schema-engine) import nothing of the app (src/app, src/components, src/trpc, src/server);
 *   - the app does not import the HA profile (it reaches Patroni over HTTP, as on any platform);
 *   - the server reaches the cluster manager through one file only, the adapter behind ClusterControl;
 *   - what both sides share (src/replication, src/http) imports neither side.
 *
 * Why a script and not `depcruise --config`: TypeScript 7 has no JavaScript compiler API, which
 * dependency-cruiser's own TypeScript support needs, so sources are read through Babel's TypeScript
 * preset instead, and the `~/` alias is given to the resolver here. Babel drops `import type`, so the
 * rules see value imports only (types cost nothing at run time; the bundles never hold them).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { cruise, format, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = "^src/(app|components|trpc|server)/";
const CLUSTER_ADAPTER = "^src/server/api/embedded-cluster-control\\.ts$";

export const LAYER_RULES: IForbiddenRuleType[] = [
  // Without this, an import the resolver cannot follow would silently escape every rule below.
  { name: "every-import-resolves", severity: "error", from: {}, to: { couldNotResolve: true } },
  {
    name: "no-module-cycle",
    comment: "Modules import each other in one direction only.",
    severity: "error",
    from: {},
    to: { circular: true },
  },
  {
    name: "no-folder-cycle",
    comment: "Folders import each other in one direction only.",
    severity: "error",
    scope: "folder",
    from: {},
    to: { circular: true },
  },
  {
    name: "cluster-manager-imports-no-app",
    comment:
      "The cluster manager, the HA profile and the schema-engine shim run without the app (db:*, ha:*, prisma); they talk to it over HTTP if at all.",
    severity: "error",
    from: { path: "^src/(cluster|ha|schema-engine)/" },
    to: { path: APP },
  },
  {
    name: "app-imports-no-ha-profile",
    comment:
      "The HA profile is a development and test platform; the app finds Patroni through its REST API (the topology source), as in production.",
    severity: "error",
    from: { path: APP },
    to: { path: "^src/ha/" },
  },
  {
    name: "server-reaches-cluster-through-its-adapter",
    comment:
      "The server knows ClusterControl (src/server/api/cluster-control.ts); only its embedded adapter knows src/cluster.",
    severity: "error",
    from: { path: "^src/server/", pathNot: CLUSTER_ADAPTER },
    to: { path: "^src/cluster/" },
  },
  {
    name: "shared-code-imports-neither-side",
    comment: "src/replication and src/http are what the app and the cluster manager share.",
    severity: "error",
    from: { path: "^src/(replication|http)/" },
    to: { path: "^src/(app|components|trpc|server|cluster|ha|schema-engine|scripts)/" },
  },
];

function sources(): string[] {
  return readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((file) => path.join("src", file))
    .filter((file) => /\.tsx?$/.test(file) && !file.startsWith(path.join("src", "generated")));
}

/** src/server/api/x.ts → src/server; src/env.ts → src. */
function topFolder(file: string): string {
  const [src, folder, rest] = file.split("/");
  return rest === undefined ? src : `${src}/${folder}`;
}

/**
 * The rules above see each directory on its own (src/server/api and src/server/db are two folders).
 * This sees src/'s top-level folders: an edge src/a → src/b is any value import from one into the other,
 * and a cycle is reported with one such import per edge, so it can be found and broken.
 */
function topFolderCycles(modules: ICruiseResult["modules"]): string[] {
  const example = new Map<string, string>(); // "src/a src/b" → "src/a/x.ts → src/b/y.ts"
  for (const { source, dependencies } of modules) {
    if (!source.startsWith("src/")) continue;
    for (const { resolved } of dependencies) {
      const [from, to] = [topFolder(source), topFolder(resolved)];
      if (resolved.startsWith("src/") && from !== to && !example.has(`${from} ${to}`))
        example.set(`${from} ${to}`, `${source} → ${resolved}`);
    }
  }
  const edges = [...example.keys()].map((key) => key.split(" ") as [string, string]);
  const reaches = (from: string, to: string, seen = new Set<string>()): string[] | undefined => {
    for (const [a, b] of edges.filter(([a]) => a === from)) {
      if (b === to) return [a, b];
      if (seen.has(b)) continue;
      seen.add(b);
      const path = reaches(b, to, seen);
      if (path) return [a, ...path];
    }
    return undefined;
  };
  const cycles = new Map<string, string>();
  for (const [a, b] of edges) {
    const back = reaches(b, a);
    if (!back) continue;
    const cycle = [a, ...back];
    const key = [...new Set(cycle)].sort().join(" ");
    const steps = cycle.slice(1).map((to, i) => `      ${example.get(`${cycle[i]} ${to}`)}`);
    cycles.set(key, `  error no-top-folder-cycle: ${cycle.join(" → ")}\n${steps.join("\n")}`);
  }
  return [...cycles.values()];
}

const result = await cruise(
  sources(),
  {
    baseDir: ROOT,
    validate: true,
    doNotFollow: { path: "node_modules" },
    ruleSet: { forbidden: LAYER_RULES },
    outputType: "json",
  },
  // Package "exports" as Node reads them: dependency-cruiser ignores them by default, so a package with no "main" (@remix-run/node-fetch-server) would not resolve.
  {
    extensions: [".ts", ".tsx", ".js", ".mjs"],
    alias: { "~": path.join(ROOT, "src") },
    exportsFields: ["exports"],
    conditionNames: ["import", "require", "node", "default", "types"],
  },
  {
    babelConfig: {
      presets: [["@babel/preset-typescript", { allExtensions: true, isTSX: true, onlyRemoveTypeImports: true }]],
    },
  },
);
const cruised = JSON.parse(String(result.output)) as ICruiseResult;
const report = await format(cruised, { outputType: "err-long" });
const cycles = topFolderCycles(cruised.modules);
process.stdout.write(String(report.output));
if (cycles.length > 0)
  process.stdout.write(`${cycles.join("\n\n")}\n\nx ${cycles.length} cycle(s) between top-level folders of src/\n`);
process.exitCode = report.exitCode === 0 && cycles.length === 0 ? 0 : 1;
