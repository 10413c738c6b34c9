/**
 * How a tRPC procedure appears in the REST API, declared on the procedure itself (`.meta({ rest })`), so
 * the REST route, its OpenAPI description and the procedure are one definition. Only zod and types here:
 * the router imports it.
 */
export type RestMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RestRoute {
  method: RestMethod;
  /** Path template with `{param}` placeholders, each a field of the procedure's input; served under /api and, negotiated, at the bare path. */
  path: `/${string}`;
  summary: string;
  description?: string;
  /** The output field sent as the body; the replication metadata fields (servedBy, consistencyToken, nextCursor) travel as headers. */
  body: string;
  /** The success status (201 for a create, with a Location header to the new resource). */
  status?: 200 | 201;
  tags?: string[];
}

export interface ApiMeta {
  rest?: RestRoute;
}
