/**
 * The docker cluster's certificates, written by `docker:up` before the first start (and completed if a
 * file is missing): a CA of its own and one server certificate per PostgreSQL container, named for every
 * name a client dials it by: the container (the app, and replicas streaming from pg-primary), and
 * 127.0.0.1 / localhost (host tools over the published ports).
 *
 *   docker/tls/ca.crt            the CA: sslrootcert for the app container, the replicas and host tools
 *   docker/tls/ca.key            its key (0600), used only here
 *   docker/tls/<container>.crt   a node's certificate; .key its key (0600). docker/postgres/tls-entrypoint.sh
 *                                copies the pair where PostgreSQL wants it (owned by postgres, 0600)
 * git-ignored and kept out of the image's build context; `docker:clean` deletes them with the volumes.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createCertificateAuthority, issueServerCertificate } from "../cluster/certificates";

/** The PostgreSQL containers of docker/compose.yml. */
export const POSTGRES_CONTAINERS = ["pg-primary", "pg-replica", "pg-replica2"] as const;

export const tlsDir = (dockerDir: string) => path.join(dockerDir, "tls");
export const caFile = (dockerDir: string) => path.join(tlsDir(dockerDir), "ca.crt");

/** Creates what is missing; returns the files it wrote (none when everything was there). */
export async function ensureDockerCertificates(dockerDir: string): Promise<string[]> {
  const dir = tlsDir(dockerDir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const written: string[] = [];
  const write = (name: string, content: string, mode: number) => {
    const file = path.join(dir, name);
    writeFileSync(file, content, { mode });
    chmodSync(file, mode);
    written.push(name);
  };
  const caKey = path.join(dir, "ca.key");
  const haveCa = existsSync(caKey) && existsSync(caFile(dockerDir));
  // A new CA invalidates every certificate the old one signed: reissue them all with it.
  const ca = haveCa
    ? { certificate: readFileSync(caFile(dockerDir), "utf8"), privateKey: readFileSync(caKey, "utf8") }
    : await createCertificateAuthority("Tandem docker cluster CA");
  if (!haveCa) {
    write("ca.key", ca.privateKey, 0o600);
    write("ca.crt", ca.certificate, 0o644);
  }
  for (const container of POSTGRES_CONTAINERS) {
    if (haveCa && existsSync(path.join(dir, `${container}.crt`)) && existsSync(path.join(dir, `${container}.key`)))
      continue;
    const pair = await issueServerCertificate(ca, container, [container, "localhost", "127.0.0.1"]);
    write(`${container}.key`, pair.privateKey, 0o600);
    write(`${container}.crt`, pair.certificate, 0o644);
  }
  return written;
}
