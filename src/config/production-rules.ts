/**
 * What production refuses that development allows: running with the published development admin token
 * (or none), and database URLs whose password is a well-known default. Both are fine on a laptop with
 * the embedded cluster and both are how real systems get taken over, so a production server with
 * either does not start (src/instrumentation.ts stops it with these messages).
 */
import type { EnvSource } from "./parse-env";
import { MIN_GUESSES_LOG10, guessesLog10, isHeaderSafeToken } from "./token-strength";

/**
 * The admin token outside production when ADMIN_TOKEN is unset. It is public (it is in this file), which
 * is exactly why production refuses it; the dev server prints it at start so you can use it.
 */
export const DEV_ADMIN_TOKEN = "tandem-dev-admin-token";

/** Passwords every scanner tries first, compared case-insensitively. */
const DEFAULT_PASSWORDS = new Set(["postgres", "password", "tandem", "admin", "secret", "changeme", "root", "123456"]);

/** Words an attacker of this app tries first: they count as dictionary words in the strength estimate. */
const KNOWN_WORDS = [DEV_ADMIN_TOKEN, "tandem", "admin", "token"];

const GENERATE = "generate one with `openssl rand -hex 32`";

/** Problems with the secrets in `source`, for NODE_ENV=production. Never quotes a secret. */
export function productionProblems(source: EnvSource): string[] {
  const problems: string[] = [];
  const adminToken = source.ADMIN_TOKEN?.trim();
  if (!adminToken) {
    problems.push(`ADMIN_TOKEN is required in production: it guards the admin API (replication status, pause, promote); ${GENERATE}`);
  } else if (adminToken.toLowerCase() === DEV_ADMIN_TOKEN) {
    problems.push(`ADMIN_TOKEN is the published development default, refused in production; ${GENERATE}`);
  } else if (!isHeaderSafeToken(adminToken)) {
    problems.push(`ADMIN_TOKEN has spaces, control or non-ASCII characters, so it cannot be sent in an Authorization header; ${GENERATE}`);
  } else if (guessesLog10(adminToken, KNOWN_WORDS) < MIN_GUESSES_LOG10) {
    problems.push(`ADMIN_TOKEN is too easy to guess (a repeated character, a common password, a keyboard pattern or a variant of the development token); ${GENERATE}`);
  }
  if (hasDefaultPassword(source.DATABASE_URL)) problems.push(`DATABASE_URL: ${DEFAULT_PASSWORD_PROBLEM}`);
  const replicas = source.DATABASE_REPLICA_URLS?.split(",") ?? [];
  replicas.forEach((url, index) => {
    if (hasDefaultPassword(url)) problems.push(`DATABASE_REPLICA_URLS: entry ${index + 1} of ${replicas.length} ${DEFAULT_PASSWORD_PROBLEM}`);
  });
  return problems;
}

const DEFAULT_PASSWORD_PROBLEM = "uses a well-known default password, refused in production; set a strong password on that role";

/** Checks the userinfo password and libpq's `password=` parameter. Unparsable URLs are stage 1's to report. */
function hasDefaultPassword(value: string | undefined): boolean {
  if (!value?.trim()) return false;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return false;
  }
  return [safeDecode(url.password), url.searchParams.get("password") ?? ""].some((password) => DEFAULT_PASSWORDS.has(password.toLowerCase()));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
