/**
 * Certificates for a cluster's TLS: one certificate authority per cluster, and a server certificate per
 * node signed by it. Pure functions over PEM text (no files): the embedded cluster (./tls.ts) and the
 * docker setup (src/scripts/docker-tls.ts) decide where they live.
 *
 * Generated in Node with @peculiar/x509 over WebCrypto, so no `openssl` binary is needed. ECDSA P-256
 * keys: OpenSSL 1.1 (what the embedded PostgreSQL binaries link) serves them, and an ECDSA handshake is
 * cheaper than an RSA one of the same strength, which is what a pool opening connections pays for.
 */
import "reflect-metadata"; // @peculiar/x509's dependency injection (tsyringe) needs the Reflect API
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** The CA outlives many server certificates: rotating those must not mean handing clients a new CA. */
export const CA_VALIDITY_DAYS = 3650;
/** About a year, as public CAs issue; `db:up` renews a certificate that has less than RENEW_WITHIN_DAYS left. */
export const SERVER_VALIDITY_DAYS = 397;
export const RENEW_WITHIN_DAYS = 30;

export interface CertificatePair {
  certificate: string;
  /** PKCS#8 PEM, as PostgreSQL's ssl_key_file and Node's tls accept it. */
  privateKey: string;
}

export async function createCertificateAuthority(name: string, now = new Date()): Promise<CertificatePair> {
  const keys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${escapeDn(name)}`,
    notBefore: backdated(now),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true), // a CA that signs servers only, no sub-CAs
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: certificate.toString("pem"), privateKey: await exportPrivateKey(keys.privateKey) };
}

/**
 * A server certificate for `hosts` (DNS names and IP addresses; the first is its common name), signed by
 * `ca`. verify-full clients check the host they dialled against these names, so every name a client may
 * use for the node must be listed.
 */
export async function issueServerCertificate(
  ca: CertificatePair,
  commonName: string,
  hosts: string[],
  now = new Date(),
): Promise<CertificatePair> {
  const caCertificate = new x509.X509Certificate(ca.certificate);
  const caKey = await importPrivateKey(ca.privateKey);
  const keys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
  const names = [...new Set(hosts)].map((host) =>
    isIP(host) ? { type: "ip" as const, value: host } : { type: "dns" as const, value: host },
  );
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${escapeDn(commonName)}`,
    issuer: caCertificate.subject,
    notBefore: backdated(now),
    notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    ],
  });
  return { certificate: certificate.toString("pem"), privateKey: await exportPrivateKey(keys.privateKey) };
}

export interface CertificateSummary {
  subject: string;
  serialNumber: string;
  notAfter: Date;
  /** Subject alternative names, as `DNS:localhost` / `IP:127.0.0.1`. */
  names: string[];
}

export function describeCertificate(pem: string): CertificateSummary {
  const certificate = new x509.X509Certificate(pem);
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const names = (san?.names.items ?? []).map((n) => `${n.type === "ip" ? "IP" : "DNS"}:${n.value}`);
  return {
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    notAfter: certificate.notAfter,
    names,
  };
}

/** True when `pem` expires within `days` of `now` (or already has). */
export function expiresWithin(pem: string, days: number, now = new Date()): boolean {
  return new x509.X509Certificate(pem).notAfter.getTime() - now.getTime() < days * DAY_MS;
}

/** A certificate valid from a minute ago: a client whose clock runs slightly behind still accepts it. */
function backdated(now: Date): Date {
  return new Date(now.getTime() - 60_000);
}

/** 16 random bytes with the top bit clear (serials must be positive), as RFC 5280 recommends. */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01; // no leading zero byte, which DER would have to strip
  return Buffer.from(bytes).toString("hex");
}

function escapeDn(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, "\\$&");
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", key)).toString("base64");
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  return crypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, false, ["sign"]);
}
