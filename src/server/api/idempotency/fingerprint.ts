/**
 * What "the same request" means for an Idempotency-Key: the same operation with the same input. The
 * input is canonicalized (RFC 8785 JSON Canonicalization Scheme), so key order and number spelling do
 * not matter, and hashed, so the table stores no copy of it.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export function requestFingerprint(operation: string, input: unknown): string {
  return createHash("sha256")
    .update(`${operation}\n${canonicalize(input ?? null) ?? "null"}`)
    .digest("hex");
}
