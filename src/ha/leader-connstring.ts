/** The leader's port in the connstring Patroni hands a replica-creation method (libpq key=value, or a URL). */
export function leaderPort(connstring: string): number {
  const keyValue = /(?:^|\s)port=(\d+)/.exec(connstring);
  if (keyValue) return Number(keyValue[1]);
  if (URL.canParse(connstring)) {
    const port = new URL(connstring).port;
    if (port) return Number(port);
  }
  throw new Error(`no port in the leader's connstring: ${connstring.replace(/password=\S+/, "password=…")}`);
}
