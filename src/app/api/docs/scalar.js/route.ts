import { scalarBundleResponse } from "~/server/rest/docs-page";

/** Scalar's browser bundle, from node_modules. */
export function GET(): Promise<Response> {
  return scalarBundleResponse();
}
