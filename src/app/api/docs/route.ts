import { docsPageResponse } from "~/server/rest/docs-page";

/** The REST API's reference (Scalar, served from the app: works offline). */
export function GET(): Response {
  return docsPageResponse();
}
