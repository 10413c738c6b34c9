import { once } from "node:events";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import {
  createCertificateAuthority,
  describeCertificate,
  expiresWithin,
  issueServerCertificate,
  RENEW_WITHIN_DAYS,
} from "~/cluster/certificates";

/** A TLS handshake against a server holding `server`, trusting `ca`, dialling `host` (or naming `servername`). */
async function handshake(
  server: { certificate: string; privateKey: string },
  ca: string,
  options: { servername?: string } = {},
): Promise<string | undefined> {
  const listener = tls.createServer(
    { cert: server.certificate, key: server.privateKey, minVersion: "TLSv1.2" },
    (socket) => socket.end(),
  );
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<string | undefined>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca, servername: options.servername }, () => {
        socket.end();
        resolve(undefined);
      });
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    listener.close();
  }
}

describe("cluster certificates", () => {
  it("a server certificate chains to its CA and names 127.0.0.1, localhost and the node's host", async () => {
    const ca = await createCertificateAuthority("Tandem test CA");
    const server = await issueServerCertificate(ca, "primary", ["127.0.0.1", "localhost", "pg-primary"]);
    expect(describeCertificate(server.certificate).names).toEqual(["IP:127.0.0.1", "DNS:localhost", "DNS:pg-primary"]);
    expect(server.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await handshake(server, ca.certificate)).toBeUndefined();
    expect(await handshake(server, ca.certificate, { servername: "pg-primary" })).toBeUndefined();
  });

  it("is refused by a client that trusts another CA, and for a name it does not carry", async () => {
    const ca = await createCertificateAuthority("Tandem test CA");
    const other = await createCertificateAuthority("Another CA");
    const server = await issueServerCertificate(ca, "primary", ["127.0.0.1", "localhost"]);
    expect(await handshake(server, other.certificate)).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
    );
    expect(await handshake(server, ca.certificate, { servername: "db.example.com" })).toBe(
      "ERR_TLS_CERT_ALTNAME_INVALID",
    );
  });

  it("each certificate gets its own key and serial; expiry is checked against a clock", async () => {
    const ca = await createCertificateAuthority("Tandem test CA");
    const a = await issueServerCertificate(ca, "primary", ["127.0.0.1"]);
    const b = await issueServerCertificate(ca, "primary", ["127.0.0.1"]);
    expect(describeCertificate(a.certificate).serialNumber).not.toBe(describeCertificate(b.certificate).serialNumber);
    expect(a.privateKey).not.toBe(b.privateKey);
    const notAfter = describeCertificate(a.certificate).notAfter;
    expect(expiresWithin(a.certificate, RENEW_WITHIN_DAYS)).toBe(false);
    expect(expiresWithin(a.certificate, RENEW_WITHIN_DAYS, new Date(notAfter.getTime() - 86_400_000))).toBe(true);
  });
});
