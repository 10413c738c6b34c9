/**
 * The REST routes: every procedure of the tRPC router that declares `.meta({ rest })`, with what serving
 * it needs (its path as a pattern, which input fields are numbers). Built once from the router, so adding
 * a route is adding meta to a procedure.
 */
import { z } from "zod";
import { appRouter } from "~/server/api/root";
import type { RestMethod, RestRoute } from "./route-meta";

export interface BoundRoute {
  /** The procedure's dotted path, e.g. "user.byId". */
  procedure: string;
  type: "query" | "mutation";
  rest: RestRoute;
  input: z.ZodType;
  output: z.ZodObject;
  pattern: RegExp;
  pathParams: string[];
  /** Input fields of JSON type integer or number: path and query values arrive as text and are converted. */
  numericFields: Set<string>;
}

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  meta?: { rest?: RestRoute };
  inputs: z.ZodType[];
  output?: z.ZodObject;
}

function bind(procedure: string, def: ProcedureDef): BoundRoute | undefined {
  const rest = def.meta?.rest;
  if (!rest) return undefined;
  if (def.type === "subscription" || def.inputs.length !== 1 || !def.output) {
    throw new Error(`${procedure}: a REST route needs a query or mutation with one .input() and an .output() schema`);
  }
  const pathParams = [...rest.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const source = rest.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}/g, "(?<$1>[^/]+)");
  const jsonSchema = z.toJSONSchema(def.inputs[0], { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, { type?: string }>;
  };
  const numericFields = new Set(
    Object.entries(jsonSchema.properties ?? {})
      .filter(([, schema]) => schema.type === "integer" || schema.type === "number")
      .map(([field]) => field),
  );
  return {
    procedure,
    type: def.type,
    rest,
    input: def.inputs[0],
    output: def.output,
    pattern: new RegExp(`^${source}$`),
    pathParams,
    numericFields,
  };
}

export const restRoutes: BoundRoute[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>,
)
  .map(([path, procedure]) => bind(path, procedure._def))
  .filter((route): route is BoundRoute => route !== undefined);

export type RouteMatch = { route: BoundRoute; params: Record<string, string> } | { allowed: RestMethod[] } | undefined;

/** The route for a method and path (without the /api prefix); or, for a known path, the methods it allows. */
export function matchRoute(method: string, path: string): RouteMatch {
  const matching = restRoutes.flatMap((route) => {
    const found = route.pattern.exec(path);
    return found ? [{ route, groups: found.groups ?? {} }] : [];
  });
  if (matching.length === 0) return undefined;
  const wanted = method === "HEAD" ? "GET" : method;
  const found = matching.find((m) => m.route.rest.method === wanted);
  if (!found) return { allowed: matching.map((m) => m.route.rest.method) };
  const params = Object.fromEntries(
    Object.entries(found.groups).map(([name, value]) => [name, decodeURIComponent(value)]),
  );
  return { route: found.route, params };
}
