import { describe, expect, it } from "vitest";
import {
  failureWords,
  isRecoveryConflict,
  ReplicaReadFailed,
  replicaFailureOf,
} from "~/server/db/data-layer/replica-read-failed";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("replicaFailureOf", () => {
  it("a connection error or a recovery conflict may be served by another node; a query's own error is answered as it is", () => {
    const refused = withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1");
    expect(replicaFailureOf("r1", refused)).toMatchObject({ node: "r1", why: "connection", cause: refused });
    expect(replicaFailureOf("r1", withCode("40001"))).toMatchObject({ why: "recovery-conflict" });
    const syntax = withCode("42601");
    expect(replicaFailureOf("r1", syntax)).toBe(syntax);
    const lost = new ReplicaReadFailed("r1", new Error("gone"), "lost");
    expect(replicaFailureOf("r2", lost)).toBe(lost);
  });
  it("recovery conflicts are 40001 and 40P01 only", () => {
    expect(isRecoveryConflict(withCode("40P01"))).toBe(true);
    expect(isRecoveryConflict(withCode("40000"))).toBe(false);
    expect(isRecoveryConflict(new Error("no code"))).toBe(false);
  });
  it("says what the failure did", () => {
    expect(failureWords(new ReplicaReadFailed("r1", withCode("40001"), "recovery-conflict"))).toBe(
      "was cancelled by a conflict with recovery",
    );
    expect(
      failureWords(new ReplicaReadFailed("r1", withCode("ECONNREFUSED", "connect ECONNREFUSED"), "connection")),
    ).toMatch(/^failed mid-read \(.+\)$/);
  });
});
