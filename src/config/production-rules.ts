/**
 * What production refuses that development allows: running with the published development admin token
 * (or none), database URLs whose password is a well-known default, and database URLs that do not require
 * TLS. All are fine on a laptop and all are how real systems get taken over, so a production server with
 * any of them does not start (src/instrumentation.ts stops it with these messages).
 */
import { urlRequiresTls } from "~/replication/tls-settings";
import type { EnvSource } from "./parse-env";
import { guessesLog10, isHeaderSafeToken, MIN_GUESSES_LOG10 } from "./token-strength";

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
    problems.push(
      `ADMIN_TOKEN is required in production: it guards the admin API (replication status, pause, promote); ${GENERATE}`,
    );
  } else if (adminToken.toLowerCase() === DEV_ADMIN_TOKEN) {
    problems.push(`ADMIN_TOKEN is the published development default, refused in production; ${GENERATE}`);
  } else if (!isHeaderSafeToken(adminToken)) {
    problems.push(
      `ADMIN_TOKEN has spaces, control or non-ASCII characters, so it cannot be sent in an Authorization header; ${GENERATE}`,
    );
  } else if (guessesLog10(adminToken, KNOWN_WORDS) < MIN_GUESSES_LOG10) {
    problems.push(
      `ADMIN_TOKEN is too easy to guess (a repeated character, a common password, a keyboard pattern or a variant of the development token); ${GENERATE}`,
    );
  }
  const allowPlaintext = PLAINTEXT_OPT_OUT_VALUES.has(source[PLAINTEXT_OPT_OUT]?.trim().toLowerCase() ?? "");
  const check = (url: string | undefined, where: string) => {
    if (hasDefaultPassword(url)) problems.push(`${where} ${DEFAULT_PASSWORD_PROBLEM}`);
    if (!allowPlaintext && allowsPlaintext(url)) problems.push(`${where} ${plaintextProblem(url!)}`);
  };
  check(source.DATABASE_URL, "DATABASE_URL:");
  const replicas = source.DATABASE_REPLICA_URLS?.split(",") ?? [];
  for (const [index, url] of replicas.entries())
    check(url, `DATABASE_REPLICA_URLS: entry ${index + 1} of ${replicas.length}`);
  return problems;
}

const DEFAULT_PASSWORD_PROBLEM =
  "uses a well-known default password, refused in production; set a strong password on that role";

/** The explicit opt-out from the TLS rule, for a network that is the app's and the database's alone. */
export const PLAINTEXT_OPT_OUT = "TANDEM_ALLOW_PLAINTEXT_DB";
const PLAINTEXT_OPT_OUT_VALUES = new Set(["1", "true", "yes"]);

function plaintextProblem(url: string): string {
  const mode = parseUrl(url)?.searchParams.get("sslmode");
  return (
    `does not require TLS (${mode ? `sslmode=${mode}` : "no sslmode"}), refused in production: without it the login and every row ` +
    "cross the network readable and alterable by anyone on the path. Add sslmode=verify-full (and sslrootcert=/path/to/ca.pem " +
    `for a private CA), or set ${PLAINTEXT_OPT_OUT}=1 if that network is private to the app and the database`
  );
}

/** sslmode absent, disable, allow or prefer: a client may then speak in plain text. Unparsable URLs are stage 1's. */
function allowsPlaintext(value: string | undefined): boolean {
  const url = parseUrl(value);
  return url !== undefined && !urlRequiresTls(url);
}

/** Checks the userinfo password and libpq's `password=` parameter. Unparsable URLs are stage 1's to report. */
function hasDefaultPassword(value: string | undefined): boolean {
  const url = parseUrl(value);
  if (!url) return false;
  return [safeDecode(url.password), url.searchParams.get("password") ?? ""].some((password) =>
    DEFAULT_PASSWORDS.has(password.toLowerCase()),
  );
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value?.trim()) return undefined;
  try {
    return new URL(value.trim());
  } catch {
    return undefined;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
