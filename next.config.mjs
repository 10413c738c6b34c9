/** @type {import("next").NextConfig} */
const config = {
  // A self-contained server in .next/standalone for the Docker image, which builds with
  // TANDEM_STANDALONE=1; `npm start` (next start) serves the regular build and warns on a standalone one.
  output: process.env.TANDEM_STANDALONE === "1" ? "standalone" : undefined,
  // `next dev` blocks dev resources (HMR, RSC) requested from other origins; without these the page
  // served on 127.0.0.1 never hydrates (the e2e tests and most people open 127.0.0.1 or localhost).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // /api/docs/scalar.js reads Scalar's browser bundle from node_modules by path (the package does not
  // export it), which file tracing cannot see: the standalone server gets it listed here.
  outputFileTracingIncludes: { "/api/docs/scalar.js": ["./node_modules/@scalar/api-reference/dist/browser/standalone.js"] },
};

export default config;
