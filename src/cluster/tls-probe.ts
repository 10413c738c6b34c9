/**
 * Which certificate a PostgreSQL server presents, without logging in: PostgreSQL's SSLRequest, then a TLS
 * handshake on the same socket. How rotation confirms a reloaded node serves its new certificate, and
 * how `db:certs` shows what each running node serves (not only what its files say).
 */
import net from "node:net";
import tls from "node:tls";

/** The SSLRequest message: length 8, request code 80877103 (1234 << 16 | 5679). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The peer certificate, verified against `ca` for `host` (verify-full). Rejects on refusal, timeout or a bad chain. */
export function servedCertificate(
  host: string,
  port: number,
  ca: string,
  timeoutMs = 5_000,
): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`${host}:${port} did not answer the TLS request within ${timeoutMs} ms`)),
    );
    socket.once("error", fail);
    socket.once("connect", () => socket.write(SSL_REQUEST));
    socket.once("data", (answer) => {
      if (answer[0] !== 0x53 /* S */)
        return fail(
          new Error(
            `${host}:${port} does not accept TLS (it answered '${String.fromCharCode(answer[0])}' to the SSL request)`,
          ),
        );
      socket.removeAllListeners("timeout");
      const secure = tls.connect({
        socket,
        host,
        servername: net.isIP(host) ? undefined : host,
        ca,
        minVersion: "TLSv1.2",
        timeout: timeoutMs,
      });
      secure.once("error", fail);
      secure.once("secureConnect", () => {
        const certificate = secure.getPeerCertificate();
        secure.destroy();
        resolve(certificate);
      });
    });
  });
}
