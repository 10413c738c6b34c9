/**
 * A REST request as the procedure's input: path parameters, plus the query string (GET, DELETE) or the
 * JSON body (POST, PATCH). Text from the path and query becomes a number where the input schema wants
 * one, but only when it is written as one ("12", not "12abc", "" or "0x10"), so anything else reaches
 * the schema unchanged and fails with its own message. The procedure's schema does all the validating.
 */
import {
  type ApiLimits,
  declaredBodyViolation,
  LimitExceededError,
  type LimitViolation,
  readBodyWithin,
} from "~/server/api/request-limits";
import { type Problem, problem } from "./problem";
import type { BoundRoute } from "./routes";

const NUMBER = /^-?\d+(\.\d+)?$/;

export class InputProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

function fromText(route: BoundRoute, field: string, value: string): unknown {
  return route.numericFields.has(field) && NUMBER.test(value) ? Number(value) : value;
}

/** A request limit (../api/request-limits.ts, the same ones tRPC has) as a problem. */
export function limitProblem(violation: LimitViolation): InputProblem {
  return new InputProblem(problem(violation.status, violation.code, violation.message));
}

export async function requestInput(
  req: Request,
  url: URL,
  route: BoundRoute,
  params: Record<string, string>,
  limits: ApiLimits,
): Promise<Record<string, unknown>> {
  const fromPath = Object.fromEntries(
    Object.entries(params).map(([field, value]) => [field, fromText(route, field, value)]),
  );
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
  const body = await jsonBody(req, limits);
  const clash = route.pathParams.find((field) => field in body && body[field] !== fromPath[field]);
  if (clash)
    throw new InputProblem(
      problem(400, "BAD_REQUEST", `${clash} is given by the path; leave it out of the body or make them equal`),
    );
  return { ...body, ...fromPath };
}

async function jsonBody(req: Request, limits: ApiLimits): Promise<Record<string, unknown>> {
  const contentType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (contentType !== "application/json" && !contentType?.endsWith("+json")) {
    throw new InputProblem(
      problem(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        `Send the body as JSON with Content-Type: application/json${contentType ? ` (not ${contentType})` : ""}`,
      ),
    );
  }
  const declared = declaredBodyViolation(req.headers.get("content-length"), limits);
  if (declared) throw limitProblem(declared); // refused unread
  let text: string;
  try {
    text = (await readBodyWithin(req.body as AsyncIterable<Uint8Array> | null, limits)).toString("utf8"); // a chunked body is cut at the limit
  } catch (error) {
    if (error instanceof LimitExceededError) throw limitProblem(error.violation);
    throw error;
  }
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new InputProblem(problem(400, "PARSE_ERROR", `The body is not valid JSON: ${(error as Error).message}`));
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InputProblem(
      problem(422, "BAD_REQUEST", "The body must be a JSON object", [
        { detail: "must be a JSON object", pointer: "#" },
      ]),
    );
  }
  return body as Record<string, unknown>;
}
