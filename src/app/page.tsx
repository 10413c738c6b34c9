import Link from "next/link";
import { endpointOf } from "~/config/redact-url";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Page } from "~/components/ui/page";
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
    <Page>
      <div className="grid max-w-prose gap-4">
        <h1 className="text-4xl font-bold tracking-tight">Tandem</h1>
        <p className="text-lg">
          Tandem is a reference app for PostgreSQL read/write splitting: writes go to the primary, and reads
          are spread over its streaming replicas. It shows how to do this with Next.js, tRPC and Prisma, and
          what it takes to keep reads correct when replicas lag behind.
        </p>
        <p className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button asChild>
            <Link href="/users">Manage users</Link>
          </Button>
          <span className="text-muted-foreground">Every list and page says which node served it.</span>
        </p>
      </div>

      <section aria-labelledby="topology-heading" className="grid gap-3">
        <h2 id="topology-heading" className="text-xl font-semibold">
          Database topology
        </h2>
        <p className="text-muted-foreground">From {SOURCE_DESCRIPTIONS[source]}.</p>
        <ul className="grid gap-3" aria-label="Database nodes">
          {nodes.map((node) => (
            <li key={node.role} className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border bg-card px-4 py-3">
              <Badge tone={node.kind === "primary" ? "writer" : "replica"}>{node.role}</Badge>
              <code className="font-mono">{node.endpoint}</code>
              <span className="ml-auto text-sm text-muted-foreground">{node.detail}</span>
            </li>
          ))}
        </ul>
        {replicaUrls.length === 0 && <p className="text-muted-foreground">No replicas configured: every read goes to the primary.</p>}
      </section>
    </Page>
  );
}
