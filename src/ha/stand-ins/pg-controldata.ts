/**
 * Stand-in for `pg_controldata DATADIR` (the embedded PostgreSQL package lacks it), installed in the HA
 * profile's bin directory for Patroni. Same output lines, same exit status: 0, or 1 with a message.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describeControlFile, formatControlData } from "./pg-control-file";

const dataDir = process.argv.slice(2).find((arg) => !arg.startsWith("-")) ?? process.env.PGDATA;
try {
  if (!dataDir) throw new Error("no data directory specified");
  process.stdout.write(
    formatControlData(describeControlFile(readFileSync(path.join(dataDir, "global", "pg_control")))),
  );
} catch (error) {
  process.stderr.write(`pg_controldata: error: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
