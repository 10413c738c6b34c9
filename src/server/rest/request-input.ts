/**
 * A REST request as the procedure's input: path parameters, plus the query string (GET, DELETE) or the
 * JSON body (POST, PATCH). Text from the path and query becomes a number where the input schema wants
 * one, but only when it is written as one ("12", not "12abc", "" or "0x10"), so anything else reaches
 * the schema unchanged and fails with its own message. The procedure's schema does all the validating.
 */
import type { BoundRoute } from "./routes";
import { type Problem, problem } from "./problem";

/** Bodies are a name and an email: 64 KiB is far above any valid one. */
export const MAX_BODY_BYTES = 64 * 1024;

const NUMBER = /^-?\d+(\.\d+)?$/;

export class InputProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

function fromText(route: BoundRoute, field: string, value: string): unknown {
  return route.numericFields.has(field) && NUMBER.test(value) ? Number(value) : value;
}

export async function requestInput(req: Request, url: URL, route: BoundRoute, params: Record<string, string>): Promise<Record<string, unknown>> {
  const fromPath = Object.fromEntries(Object.entries(params).map(([field, value]) => [field, fromText(route, field, value)]));
  const hasBody = route.rest.method === "POST" || route.rest.method === "PATCH";
  if (!hasBody) {
    const query: Record<string, unknown> = {};
    for (const field of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(field);
      // A repeated parameter stays a list, which the schema refuses: "which one?" has no right guess.
      query[field] = values.length === 1 ? fromText(route, field, values[0]) : values;
    }
    return { ...query, ...fromPath };
  }
  const body = await jsonBody(req);
  const clash = route.pathParams.find((field) => field in body && body[field] !== fromPath[field]);
  if (clash) throw new InputProblem(problem(400, "BAD_REQUEST", `${clash} is given by the path; leave it out of the body or make them equal`));
  return { ...body, ...fromPath };
}

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const contentType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (contentType !== "application/json" && !contentType?.endsWith("+json")) {
    throw new InputProblem(problem(415, "UNSUPPORTED_MEDIA_TYPE", `Send the body as JSON with Content-Type: application/json${contentType ? ` (not ${contentType})` : ""}`));
  }
  const tooLarge = () => new InputProblem(problem(413, "PAYLOAD_TOO_LARGE", `The body must be at most ${MAX_BODY_BYTES} bytes`));
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge(); // refused unread
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new InputProblem(problem(400, "PARSE_ERROR", `The body is not valid JSON: ${(error as Error).message}`));
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InputProblem(problem(422, "BAD_REQUEST", "The body must be a JSON object", [{ detail: "must be a JSON object", pointer: "#" }]));
  }
  return body as Record<string, unknown>;
}
