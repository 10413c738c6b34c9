/** Request headers of the API that both its server (src/server/api) and its clients (src/trpc) name. */

/** The newest consistency token a client holds (README, "Reading your own writes"). */
export const CONSISTENCY_TOKEN_HEADER = "x-consistency-token";
