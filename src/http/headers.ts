/** Request headers of the API that its server (src/server/api), its clients (src/trpc) and the node:http guard name. */

/** The newest consistency token a client holds (README, "Reading your own writes"). */
export const CONSISTENCY_TOKEN_HEADER = "x-consistency-token";

/**
 * Set by the node:http server on every request from the socket's address (./incoming-guard.ts
 * overwrites what a client sends), so it can be trusted where X-Forwarded-For cannot.
 */
export const CLIENT_ADDRESS_HEADER = "x-tandem-client-address";
