import Link from "next/link";
import { endpointOf } from "~/config/redact-url";
import { getEnv } from "~/env";

// Rendered per request, never at build time: `next build` then needs no database configuration, and
// the page always shows the topology the running server was started with.
export const dynamic = "force-dynamic";

const SOURCE_DESCRIPTIONS = {
  embedded: "the embedded development cluster (npm run db:up)",
  environment: "the DATABASE_URL and DATABASE_REPLICA_URLS environment variables",
} as const;

export default function HomePage() {
  const { source, primaryUrl, replicaUrls } = getEnv().database;
  const nodes = [
    { role: "Primary", kind: "primary", detail: "reads and writes", endpoint: endpointOf(primaryUrl) },
    ...replicaUrls.map((url, index) => ({
      role: `Replica ${index + 1}`,
      kind: "replica",
      detail: "reads only",
      endpoint: endpointOf(url),
    })),
  ];

  return (
    <main>
      <h1>Tandem</h1>
      <p className="lede">
        Tandem is a reference app for PostgreSQL read/write splitting: writes go to the primary, and reads
        are spread over its streaming replicas. It shows how to do this with Next.js, tRPC and Prisma, and
        what it takes to keep reads correct when replicas lag behind.
      </p>
      <p className="cta">
        <Link href="/users" className="button primary">
          Manage users
        </Link>{" "}
        <span className="muted">Every list and page says which node served it.</span>
      </p>

      <section aria-labelledby="topology-heading">
        <h2 id="topology-heading">Database topology</h2>
        <p className="source">From {SOURCE_DESCRIPTIONS[source]}.</p>
        <ul className="nodes" aria-label="Database nodes">
          {nodes.map((node) => (
            <li key={node.role} className={`node ${node.kind}`}>
              <span className="role">{node.role}</span>
              <code className="endpoint">{node.endpoint}</code>
              <span className="detail">{node.detail}</span>
            </li>
          ))}
        </ul>
        {replicaUrls.length === 0 && <p className="note">No replicas configured: every read goes to the primary.</p>}
      </section>
    </main>
  );
}
