/**
 * The one directory Patroni's `bin_dir` names: the embedded PostgreSQL 16 binaries it runs (initdb,
 * pg_ctl, postgres, linked), and the project's stand-ins for the two it needs that the embedded package
 * lacks (pg_controldata, pg_isready), plus the replica-creation command. The stand-ins are TypeScript,
 * bundled here by esbuild into single files plain `node` runs: Patroni calls pg_controldata in its
 * failover path, and a bundle starts in a fraction of the time tsx takes (measured in docs/ha-patroni.md).
 */
import { chmodSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import type { PgBinaries } from "~/cluster/binaries";

const HERE = import.meta.dirname;

/** The bundled commands: file in bin/ → its entry point. */
export const COMMANDS = {
  pg_controldata: path.join(HERE, "stand-ins", "pg-controldata.ts"),
  pg_isready: path.join(HERE, "stand-ins", "pg-isready.ts"),
  "tandem-create-replica": path.join(HERE, "create-replica-command.ts"),
} as const;

export async function prepareBinDir(binDir: string, binaries: PgBinaries): Promise<void> {
  rmSync(binDir, { recursive: true, force: true });
  mkdirSync(binDir, { recursive: true, mode: 0o755 });
  chmodSync(binDir, 0o755);
  // pg_ctl finds `postgres` beside its own resolved path, so links are enough.
  for (const name of ["initdb", "pg_ctl", "postgres"] as const) symlinkSync(binaries[name], path.join(binDir, name));
  await Promise.all(
    Object.entries(COMMANDS).map(async ([name, entry]) => {
      const outfile = path.join(binDir, name);
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        external: ["pg-native"],
        // The node that runs this script: the servers' OS user may have another PATH.
        banner: { js: `#!${process.execPath}` },
        logLevel: "warning",
        // src/cluster/binaries.ts (reached through the admin-URL helpers) reads import.meta.url, which a
        // CommonJS bundle lacks; none of these commands calls it.
        logOverride: { "empty-import-meta": "silent" },
        tsconfig: path.join(HERE, "..", "..", "tsconfig.json"),
      });
      chmodSync(outfile, 0o755);
    }),
  );
}

export function commandPath(binDir: string, name: keyof typeof COMMANDS): string {
  return path.join(binDir, name);
}
