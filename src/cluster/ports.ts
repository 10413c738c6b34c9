/** Port checks: a taken port must fail with a message that says what to do, not a PostgreSQL log line. */
import net from "node:net";

export async function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Ports the OS reports free right now (bind to 0), for test clusters that must not collide with anything. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once("error", reject);
          server.listen({ port: 0, host, exclusive: true }, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export class PortTakenError extends Error {
  /** `existing`: the node is already recorded with this port (ports are fixed when a cluster is created). */
  constructor(nodeName: string, port: number, existing: boolean) {
    const fix = existing
      ? "stop that process and run `npm run db:up` again. (This cluster's ports were fixed when it was created; " +
        "to move it elsewhere, `npm run db:clean` deletes it and `npm run db:up -- --port 55432` creates a new one.)"
      : "stop that process, or create this cluster on other ports: `npm run db:up -- --port 55432` " +
        "(or TANDEM_DB_PORT=55432); replicas take the ports after it.";
    super(
      `Port ${port} (for ${nodeName}) is already in use by another process: another Tandem cluster or PostgreSQL server?\n  Fix: ${fix}`,
    );
    this.name = "PortTakenError";
  }
}
