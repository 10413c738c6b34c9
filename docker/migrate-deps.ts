/**
 * Docker build step: copies into <out>/node_modules exactly the packages `prisma migrate deploy` needs at
 * runtime, so the app image carries Next's standalone server plus these, not the 800 MB development
 * node_modules.
 *
 *   tsx docker/migrate-deps.ts <out>
 *
 * The roots are what the migration path loads: the Prisma CLI (which loads prisma.config.ts), and the
 * schema-engine shim it starts (src/schema-engine/bin/schema-engine runs main.ts under tsx; main.ts runs
 * Prisma's WebAssembly engine over @prisma/adapter-pg). Each root's dependencies, and the optional ones
 * installed for this platform, are followed with Node's resolution rules, so nested versions come along.
 * Peer dependencies are not: they are the host's to provide, and on this path the only one that matters
 * (pg-pool's pg) is a root; the others are Prisma Studio's React, which migrate never loads.
 * tests/unit/docker.test.ts checks that every package src/schema-engine imports is covered.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const MIGRATE_ROOTS = [
  "prisma",
  "tsx",
  "@prisma/schema-engine-wasm",
  "@prisma/adapter-pg",
  "@prisma/driver-adapter-utils",
  "pg",
];

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Where Node would find package `name` when required from directory `from` (undefined: not installed). */
function resolvePackage(name: string, from: string, root: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === root || dir === path.dirname(dir)) return undefined;
  }
}

/** Every package directory (absolute) the roots need, roots included. */
export function packageClosure(projectRoot: string, roots: string[] = MIGRATE_ROOTS): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string, required: boolean) => {
    const dir = resolvePackage(name, from, projectRoot);
    if (!dir) {
      if (required) throw new Error(`${name} is not installed (needed from ${from}); run npm ci first`);
      return;
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, true);
    // Optional dependencies are platform binaries (esbuild's): whichever is installed for this platform.
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, false);
  };
  for (const root of roots) visit(root, projectRoot, true);
  return [...found].sort();
}

function main(): void {
  const [out] = process.argv.slice(2);
  if (!out) throw new Error("usage: tsx docker/migrate-deps.ts <output dir>");
  const projectRoot = process.cwd();
  const packages = packageClosure(projectRoot);
  for (const dir of packages) {
    cpSync(dir, path.join(out, path.relative(projectRoot, dir)), { recursive: true, verbatimSymlinks: true });
  }
  // The `prisma` command, for `npm run migrate:deploy` in docker/app-entrypoint.sh.
  mkdirSync(path.join(out, "node_modules", ".bin"), { recursive: true });
  symlinkSync("../prisma/build/index.js", path.join(out, "node_modules", ".bin", "prisma"));
  console.log(`copied ${packages.length} packages for prisma migrate deploy into ${out}/node_modules`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
