import { TRPCClientError } from "@trpc/client";

export interface FormErrors {
  /** Per field, the server's `fieldErrors` (and a CONFLICT on the email). */
  fields: Partial<Record<"name" | "email", string>>;
  /** A sentence for the whole form, when the error is not about one field. */
  form?: string;
}

const UNREACHABLE = "The server could not be reached. Check your connection and try again.";

type ErrorData = { code?: string; fieldErrors?: Record<string, string[] | undefined>; consistency?: ConsistencyNotice };

/** Why the server could not honour the client's last write (it was lost in a failover, or cannot be found). */
export interface ConsistencyNotice {
  reason: string;
  detail: string;
}

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

/** The tRPC error code (BAD_REQUEST, CONFLICT, NOT_FOUND, …), if the server answered with one. */
export function errorCode(error: unknown): string | undefined {
  return dataOf(error)?.code;
}

/** The server's notice that this answer could not include the client's last write, if it sent one. */
export function consistencyNoticeOf(error: unknown): ConsistencyNotice | undefined {
  return dataOf(error)?.consistency;
}

/** A readable sentence for any failure: the server's message (never a stack), or why it got no answer. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof TRPCClientError) || !error.shape) return UNREACHABLE;
  return error.message;
}

/** Splits a create/update failure into messages under each field and one for the form. */
export function formErrorsOf(error: unknown): FormErrors {
  if (!error) return { fields: {} };
  const data = dataOf(error);
  if (data?.code === "CONFLICT") return { fields: { email: "A user with this email already exists" } };
  if (data?.code === "BAD_REQUEST" && data.fieldErrors) {
    const fields: FormErrors["fields"] = {};
    for (const key of ["name", "email"] as const) {
      const messages = data.fieldErrors[key];
      if (messages?.length) fields[key] = messages.join(". ");
    }
    if (Object.keys(fields).length > 0) return { fields };
  }
  return { fields: {}, form: errorMessage(error) };
}

/** Queries: retrying a 4xx (not found, bad input) cannot help; a network or 5xx failure may. */
export function retryUnlessClientError(failureCount: number, error: unknown): boolean {
  const code = errorCode(error);
  if (code && ["BAD_REQUEST", "NOT_FOUND", "CONFLICT", "UNAUTHORIZED", "FORBIDDEN"].includes(code)) return false;
  return failureCount < 2;
}
