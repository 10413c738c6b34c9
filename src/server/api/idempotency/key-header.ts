/**
 * The Idempotency-Key request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"): a
 * Structured Field String such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"`. Many clients send the bare
 * value; it is accepted too. A malformed key is refused rather than ignored: ignoring it would make a
 * retry the client believes safe into a second change.
 */
import { TRPCError } from "@trpc/server";

export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";

const MAX_KEY_LENGTH = 255;
/** Printable ASCII without quote or backslash (the draft recommends a UUID or similar random text). */
const BARE_KEY = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** RFC 8941 sf-string: printable ASCII in quotes, `\"` and `\\` escaped. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

export function idempotencyKeyFrom(headers: Headers): string | undefined {
  const value = headers.get(IDEMPOTENCY_KEY_HEADER)?.trim();
  if (value === undefined || value === "") return undefined;
  const quoted = SF_STRING.exec(value);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, "$1") : BARE_KEY.test(value) ? value : undefined;
  if (key === undefined || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The Idempotency-Key header must be 1 to ${MAX_KEY_LENGTH} printable ASCII characters, quoted ("…") or bare, e.g. a UUID`,
    });
  }
  return key;
}
