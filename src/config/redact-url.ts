/**
 * Hides the secrets in a connection string so it can go into an error message or a log line.
 *
 * Works on text, not on a parsed URL: the values that need redacting most are the ones that failed to
 * parse. Everything between the scheme and the last `@` is userinfo, so a password containing an
 * unencoded `@` is still hidden (at worst part of the host is hidden too), and libpq's `password=`
 * query parameter is hidden as well.
 */
export function redactUrl(value: string): string {
  // The password parameter of a URL (`?password=`) or of a libpq keyword string (`host=h password='x y'`).
  return hideUserinfoPassword(value).replace(/(^|[?&\s])(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&#\s]*)/gi, "$1$2***");
}

function hideUserinfoPassword(value: string): string {
  const schemeEnd = value.indexOf("://");
  const userinfoStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const userinfoEnd = value.lastIndexOf("@");
  if (userinfoEnd < userinfoStart) return value;

  const userinfo = value.slice(userinfoStart, userinfoEnd);
  const colon = userinfo.indexOf(":");
  if (colon === -1) return value; // a user name alone is not a secret
  const user = userinfo.slice(0, colon);
  return `${value.slice(0, userinfoStart)}${user}:***${value.slice(userinfoEnd)}`;
}

/** host:port of a connection URL: what pages and logs show of a node (never the userinfo). */
export function endpointOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || "5432"}`;
}
