/**
 * Next.js runs `register` once when the server starts. Validating the configuration here reports a bad
 * or missing setting at boot instead of on the first request. It also installs the incoming-request
 * guard on Next's server (src/http/incoming-guard.ts): each request stamped with its socket's
 * address, and a 405 for methods the Fetch API cannot represent (TRACE), which Next would answer 500.
 */
export async function register(): Promise<void> {
  // Only the Node.js server reads the configuration (the edge runtime has no filesystem or database);
  // this exact test lets Next drop the block from the edge build.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    (await import("~/http/incoming-guard")).guardAllHttpServers();
    const { getEnv } = await import("~/env");
    const { DEV_ADMIN_TOKEN } = await import("~/config/production-rules");
    try {
      // Production refuses the development admin token, so reaching this line with it means development.
      if (getEnv().ADMIN_TOKEN === DEV_ADMIN_TOKEN) console.log(devAdminTokenNotice(DEV_ADMIN_TOKEN));
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      // A production server without a usable configuration must not look healthy: stop it. `next dev`
      // stays up, since the next request validates again (e.g. after `npm run db:up`).
      if (process.env.NODE_ENV === "production") process.exit(1);
    }
  }
}

function devAdminTokenNotice(token: string): string {
  return [
    `[tandem] ADMIN_TOKEN is not set: the admin API (replication.*) accepts the development token "${token}".`,
    `[tandem]   send it as a header: Authorization: Bearer ${token}`,
    `[tandem]   e.g. curl -H 'Authorization: Bearer ${token}' 'http://localhost:${process.env.PORT ?? 3000}/api/trpc/replication.status'`,
    "[tandem]   set ADMIN_TOKEN to use your own; production refuses to start without one.",
  ].join("\n");
}
