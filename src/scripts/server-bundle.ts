/** Where `npm run build` writes the bundled app server (src/scripts/build-server.ts), relative to the project root. */
export const SERVER_BUNDLE = ".next/tandem-server.mjs";
