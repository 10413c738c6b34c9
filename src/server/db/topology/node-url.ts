/**
 * Sources that find hosts and ports (DNS, Patroni) take everything else from DATABASE_URL, the template:
 * user, password, database and query (TLS parameters) are kept, host and port replaced per node.
 */
export function urlForHost(template: string, host: string, port: number): string {
  const url = new URL(template);
  url.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host; // an IPv6 literal
  url.port = String(port);
  return url.toString();
}

/** host:port, with an IPv6 address in brackets: a node's name when the source has no better one. */
export function hostPortName(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
