/**
 * `npm run check:layers`: who may import whom under src/, checked with dependency-cruiser on every
 * `npm test`. The rules (README, "Layers"):
 *   - no import cycle, between modules or between folders;
 *   - the cluster manager (src/cluster) and the schema-engine shim (src/schema-engine) import nothing of
 *     the app (src/app, src/components, src/trpc, src/server);
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
import { type IForbiddenRuleType, cruise } from "dependency-cruiser";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = "^src/(app|components|trpc|server)/";
const CLUSTER_ADAPTER = "^src/server/api/embedded-cluster-control\\.ts$";

export const LAYER_RULES: IForbiddenRuleType[] = [
  // Without this, an import the resolver cannot follow would silently escape every rule below.
  { name: "every-import-resolves", severity: "error", from: {}, to: { couldNotResolve: true } },
  { name: "no-module-cycle", comment: "Modules import each other in one direction only.", severity: "error", from: {}, to: { circular: true } },
  { name: "no-folder-cycle", comment: "Folders import each other in one direction only.", severity: "error", scope: "folder", from: {}, to: { circular: true } },
  {
    name: "cluster-manager-imports-no-app",
    comment: "The cluster manager and the schema-engine shim run without the app (db:*, prisma); they talk to it over HTTP if at all.",
    severity: "error",
    from: { path: "^src/(cluster|schema-engine)/" },
    to: { path: APP },
  },
  {
    name: "server-reaches-cluster-through-its-adapter",
    comment: "The server knows ClusterControl (src/server/api/cluster-control.ts); only its embedded adapter knows src/cluster.",
    severity: "error",
    from: { path: "^src/server/", pathNot: CLUSTER_ADAPTER },
    to: { path: "^src/cluster/" },
  },
  {
    name: "shared-code-imports-neither-side",
    comment: "src/replication and src/http are what the app and the cluster manager share.",
    severity: "error",
    from: { path: "^src/(replication|http)/" },
    to: { path: "^src/(app|components|trpc|server|cluster|schema-engine|scripts)/" },
  },
];

function sources(): string[] {
  return readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((file) => path.join("src", file))
    .filter((file) => /\.tsx?$/.test(file) && !file.startsWith(path.join("src", "generated")));
}

const result = await cruise(
  sources(),
  { baseDir: ROOT, validate: true, doNotFollow: { path: "node_modules" }, ruleSet: { forbidden: LAYER_RULES }, outputType: "err-long" },
  { extensions: [".ts", ".tsx", ".js", ".mjs"], alias: { "~": path.join(ROOT, "src") } },
  { babelConfig: { presets: [["@babel/preset-typescript", { allExtensions: true, isTSX: true, onlyRemoveTypeImports: true }]] } },
);
process.stdout.write(String(result.output));
process.exitCode = result.exitCode === 0 ? 0 : 1;
