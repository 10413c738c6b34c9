/**
 * The app's configuration, validated from the environment (rules and messages: ./config/parse-env.ts).
 *
 * A function, not a module-level constant, because `next build` imports every page to read its route
 * config, and a build has no database settings; validating at import would fail every build.
 * Server-only: it holds database passwords (its node:fs import keeps it out of client bundles anyway).
 */

import { type Env, parseEnv } from "~/config/parse-env";
import { embeddedClusterUrls } from "~/replication/urls";

export type { DatabaseConfig, Env } from "~/config/parse-env";

let validated: Env | undefined;

/** The validated configuration; the first call validates it and throws if anything is wrong. */
export function getEnv(): Env {
  validated ??= parseEnv(process.env, { embedded: embeddedClusterUrls });
  return validated;
}
