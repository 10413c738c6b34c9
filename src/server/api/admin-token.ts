import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented admin token with the configured one in constant time. Both are hashed first so
 * the comparison takes the same time whatever their lengths (timingSafeEqual needs equal lengths, and
 * an early length check would tell an attacker the token's length).
 */
export function adminTokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
