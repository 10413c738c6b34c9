import Link from "next/link";
import { LiveTopology } from "~/components/live-topology";
import { Button } from "~/components/ui/button";
import { Page } from "~/components/ui/page";
import { getEnv } from "~/env";

// Rendered per request, never at build time: `next build` then needs no database configuration.
export const dynamic = "force-dynamic";

const SOURCE_DESCRIPTIONS = {
  embedded: "the embedded development cluster (npm run db:up)",
  environment: "the DATABASE_URL and DATABASE_REPLICA_URLS environment variables",
} as const;

export default function HomePage() {
  const { source } = getEnv().database;
  return (
    <Page>
      <div className="grid max-w-prose gap-4">
        <h1 className="text-4xl font-bold tracking-tight">Tandem</h1>
        <p className="text-lg">
          Tandem is a reference app for PostgreSQL read/write splitting: writes go to the primary, and reads are spread
          over its streaming replicas. It shows how to do this with Next.js, tRPC and Prisma, and what it takes to keep
          reads correct when replicas lag behind.
        </p>
        <p className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <Button asChild>
            <Link href="/users">Manage users</Link>
          </Button>
          <span className="text-muted-foreground">Every list and page says which node served it.</span>
        </p>
      </div>

      <section aria-labelledby="topology-heading" className="grid gap-2">
        <h2 id="topology-heading" className="text-xl font-semibold">
          Database topology
        </h2>
        <p className="text-muted-foreground">From {SOURCE_DESCRIPTIONS[source]}, live as the app routes to it.</p>
        <LiveTopology />
      </section>
    </Page>
  );
}
