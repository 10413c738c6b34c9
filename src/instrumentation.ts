/**
 * Next.js runs `register` once when the server starts. Validating the configuration here reports a bad
 * or missing setting at boot instead of on the first request.
 */
export async function register(): Promise<void> {
  // Only the Node.js server reads the configuration (the edge runtime has no filesystem or database);
  // this exact test lets Next drop the block from the edge build.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { getEnv } = await import("~/env");
    try {
      getEnv();
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      // A production server without a usable configuration must not look healthy: stop it. `next dev`
      // stays up, since the next request validates again (e.g. after `npm run db:up`).
      if (process.env.NODE_ENV === "production") process.exit(1);
    }
  }
}
