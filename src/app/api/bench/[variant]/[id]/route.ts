/** Benchmark baselines (see src/server/bench-baselines.ts): 404 unless TANDEM_BENCH_ROUTES=1. */
import { benchRoutesEnabled, byIdBareExtension, byIdRawPg } from "~/server/bench-baselines";

export const dynamic = "force-dynamic";

const variants = { "raw-pg": byIdRawPg, "bare-extension": byIdBareExtension } as const;

export async function GET(
  _request: Request,
  { params }: { params: Promise<{ variant: string; id: string }> },
): Promise<Response> {
  const { variant, id } = await params;
  const byId = variants[variant as keyof typeof variants];
  if (!benchRoutesEnabled() || !byId || !/^\d+$/.test(id)) return new Response("Not found", { status: 404 });
  const user = await byId(Number(id));
  return user ? Response.json(user) : new Response("Not found", { status: 404 });
}
