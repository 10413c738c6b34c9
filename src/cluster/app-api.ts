/**
 * `db:verify`'s check 6 calls a running app over plain HTTP, as any client could: its tRPC endpoint
 * takes and answers superjson's wire format (`{"json": …}`; plain strings and numbers need no `meta`).
 * The cluster manager never imports the app, so this is the whole client it needs.
 */
import { noAnswerReason } from "../http/no-answer";

export type AppAnswer<T> =
  | { answered: true; result: T }
  | { answered: true; error: string }
  | { answered: false; reason: string };

/** A tRPC mutation (POST) with a JSON input; `reason` says why nothing usable answered. */
export async function callApp<T>(
  appUrl: string,
  procedure: string,
  input: unknown,
  timeoutMs: number,
): Promise<AppAnswer<T>> {
  let body: { result?: { data?: { json?: T } }; error?: { json?: { message?: string } } };
  try {
    const response = await fetch(new URL(`/api/trpc/${procedure}`, appUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    return { answered: false, reason: noAnswerReason(error) };
  }
  if (body.error) return { answered: true, error: body.error.json?.message ?? JSON.stringify(body.error) };
  if (body.result?.data?.json === undefined)
    return { answered: false, reason: `it did not answer like a Tandem server: ${JSON.stringify(body).slice(0, 200)}` };
  return { answered: true, result: body.result.data.json };
}
