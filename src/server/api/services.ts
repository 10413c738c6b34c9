/**
 * What the API runs against: the data layer, the admin token, and the embedded cluster's levers (when
 * the app runs on it). The app's come from the validated configuration; tests pass their own, built over
 * a cluster they started, so they drive the same router and handler the server does.
 *
 * The composition root: the cluster manager's adapter is imported here on demand, and only when the app
 * runs on the embedded cluster, so a server on DATABASE_URL never loads src/cluster.
 */
import { getEnv } from "~/env";
import { defaultDataRoot } from "~/replication/state";
import { getDataLayer } from "~/server/db";
import { appOpsRecords } from "~/server/db/app-ops-records";
import type { DataLayer } from "~/server/db/data-layer/data-layer";
import type { EventLog } from "~/server/db/event-log";
import { AdminAttemptGuard, adminAttemptSettingsFrom } from "./admin-attempts";
import type { ClusterControl } from "./cluster-control";
import { type IdempotencySettings, idempotencySettings } from "./idempotency/settings";
import { type ApiLimits, apiLimitsFrom } from "./request-limits";

export interface ApiServices {
  db: DataLayer;
  /** The token admin procedures require (ADMIN_TOKEN, or the development default). */
  adminToken: string;
  /** Pause, resume and promote; undefined when the app runs on DATABASE_URL (the levers then refuse). */
  cluster?: ClusterControl;
  /** Request limits (./request-limits.ts); DEFAULT_API_LIMITS when unset. */
  limits?: ApiLimits;
  /** Counts wrong admin tokens per client address; unset: no limit (tests that do not test it). */
  adminAttempts?: AdminAttemptGuard;
  idempotency: IdempotencySettings;
  /**
   * The event log the data layer's monitor writes to, where the admin levers record what they did too;
   * unset (a test's own services): the levers record nothing and replication.events lists nothing.
   */
  events?: EventLog;
}

/** How a handler gets its services per request: the app's getApiServices, or a test's fixed services. */
export type ApiServicesSource = () => ApiServices | Promise<ApiServices>;

let services: Promise<ApiServices> | undefined;

/** The app's services, built once; a failure (an invalid configuration) is not kept, so the next request tries again. */
export function getApiServices(): Promise<ApiServices> {
  services ??= createApiServices().catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

async function createApiServices(): Promise<ApiServices> {
  const env = getEnv();
  const cluster =
    env.database.source === "embedded"
      ? (await import("./embedded-cluster-control")).embeddedClusterControl(defaultDataRoot())
      : undefined;
  // Built once with the services, so the wrong-token counts outlive the request that made them.
  return {
    db: getDataLayer(),
    adminToken: env.ADMIN_TOKEN,
    cluster,
    limits: apiLimitsFrom(env),
    adminAttempts: new AdminAttemptGuard(adminAttemptSettingsFrom(env)),
    idempotency: idempotencySettings(env.IDEMPOTENCY_KEY_TTL_HOURS),
    events: appOpsRecords().events,
  };
}
