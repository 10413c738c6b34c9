/**
 * Errors as RFC 9457 problem details (`application/problem+json`), in one place for every REST answer:
 * `type`, `title`, `status`, `detail`, plus `code` (the tRPC error code, for programs), `errors` (one
 * entry per invalid field: a JSON pointer into the body, or the query/path parameter) and `consistency`
 * (on a 404 whose read could not honour the client's last write, e.g. a failover lost it: tRPC's
 * `data.consistency`). Never a stack, and never the message of an unexpected error (the handler logs those).
 */
import { STATUS_CODES } from "node:http";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { ConsistencyNotice, INTERNAL_ERROR_MESSAGE, RETRY_AFTER_SECONDS } from "~/server/api/errors";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface FieldProblem {
  detail: string;
  /** JSON pointer into the request body ("#/email"; "#" for the body as a whole). */
  pointer?: string;
  /** The query or path parameter ("limit", "id"). */
  parameter?: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldProblem[];
  /** Why the read could not honour the client's x-consistency-token (its write was lost, or cannot be checked). */
  consistency?: { reason: string; detail: string };
}

export function problemResponse(problem: Problem, headers: HeadersInit = {}): Response {
  const response = new Response(JSON.stringify(problem), { status: problem.status, headers });
  response.headers.set("content-type", PROBLEM_CONTENT_TYPE);
  response.headers.set("cache-control", "no-store");
  response.headers.set("vary", "Accept");
  if (problem.status === 503) response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
  return response;
}

export function problem(status: number, code: string, detail: string, errors?: FieldProblem[]): Problem {
  // "about:blank": the status code says what kind of problem it is (RFC 9457 §4.2.1); `code` refines it.
  return {
    type: "about:blank",
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail,
    code,
    ...(errors && { errors }),
  };
}

export interface ProblemContext {
  /** Whether an input field came from the path or query string (errors there are 400; errors in a JSON body are 422). */
  isParameter(field: string): boolean;
  mutation: boolean;
  idempotencyKey: string | undefined;
}

/** The problem for an error a procedure (or the context) threw. */
export function problemFromError(error: unknown, context: ProblemContext): Problem {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  const status = getHTTPStatusCodeFromError(trpcError);
  if (trpcError.code === "INTERNAL_SERVER_ERROR") return problem(500, trpcError.code, INTERNAL_ERROR_MESSAGE);
  if (trpcError.cause instanceof z.ZodError) {
    const errors = trpcError.cause.issues.map((issue) => fieldProblem(issue, context.isParameter));
    return problem(
      errors.some((e) => e.parameter !== undefined) ? 400 : 422,
      trpcError.code,
      trpcError.message,
      errors,
    );
  }
  if (trpcError.code === "SERVICE_UNAVAILABLE" && context.mutation)
    return problem(503, trpcError.code, `${trpcError.message} ${retryAdvice(context.idempotencyKey)}`);
  if (trpcError.cause instanceof ConsistencyNotice) {
    const { reason, detail } = trpcError.cause.servedBy;
    return { ...problem(status, trpcError.code, trpcError.message), consistency: { reason, detail } };
  }
  return problem(status, trpcError.code, trpcError.message);
}

function fieldProblem(issue: z.core.$ZodIssue, isParameter: (field: string) => boolean): FieldProblem {
  const [field] = issue.path;
  if (typeof field === "string" && isParameter(field)) return { detail: issue.message, parameter: field };
  return {
    detail: issue.message,
    pointer: `#${issue.path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`,
  };
}

/** Whether the change may have been made before the failure is unknown to the server; the key makes that not matter. */
function retryAdvice(idempotencyKey: string | undefined): string {
  return idempotencyKey === undefined
    ? "The change may or may not have been made. Send writes with an Idempotency-Key header to make retrying them safe."
    : "Retrying with the same Idempotency-Key is safe: if the change was committed before the failure, the retry gets its first answer back and nothing is done twice.";
}
