/**
 * What the API runs against: the data layer, the admin token, and the embedded cluster (when the app
 * uses it). The app's come from the validated configuration; tests pass their own, built over a cluster
 * they started, so they drive the same router and handler the server does.
 */
import { defaultDataRoot } from "~/cluster/state";
import { getEnv } from "~/env";
import { getDataLayer } from "~/server/db";
import type { DataLayer } from "~/server/db/data-layer";
import { type IdempotencySettings, idempotencySettings } from "./idempotency/settings";

export interface ApiServices {
  db: DataLayer;
  /** The token admin procedures require (ADMIN_TOKEN, or the development default). */
  adminToken: string;
  /** Data root of the embedded cluster the app runs on; undefined when it runs on DATABASE_URL. */
  embeddedClusterRoot?: string;
  idempotency: IdempotencySettings;
}

export function getApiServices(): ApiServices {
  const env = getEnv();
  return {
    db: getDataLayer(),
    adminToken: env.ADMIN_TOKEN,
    embeddedClusterRoot: env.database.source === "embedded" ? defaultDataRoot() : undefined,
    idempotency: idempotencySettings(env.IDEMPOTENCY_KEY_TTL_HOURS),
  };
}
