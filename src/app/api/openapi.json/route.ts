import { openApiDocument } from "~/server/rest/openapi";

/** The REST API's OpenAPI 3.1 document, generated from the tRPC procedures' schemas. */
export function GET(): Response {
  return Response.json(openApiDocument());
}
