/**
 * Short-lived `pg` connections for administrative statements and measurements, bounded so a dead node
 * never hangs us: the cluster manager's, and the app's replication probe (visibility.ts).
 */
import pg from "pg";
import { explainTlsFailure } from "./tls-settings";

export const CONNECT_TIMEOUT_MS = 5_000;

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openClient(url);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A connected client the caller must `end()`; for when the connection must exist before timing starts. */
export async function openClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: 30_000,
    application_name: "tandem-cluster",
  });
  // Without a listener, an error on an idle client (server shut down under us) crashes the process.
  client.on("error", () => {});
  await client.connect().catch((error: unknown) => {
    const explained = explainTlsFailure(error, url);
    throw explained ? new Error(explained, { cause: error }) : error;
  });
  return client;
}

/** First row of a query, typed by the caller. */
export async function queryOne<T>(url: string, sql: string, params: unknown[] = []): Promise<T> {
  return withClient(url, async (client) => (await client.query(sql, params)).rows[0] as T);
}
