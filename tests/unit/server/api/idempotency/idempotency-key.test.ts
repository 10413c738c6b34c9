import { describe, expect, it } from "vitest";
import { requestFingerprint } from "~/server/api/idempotency/fingerprint";
import { idempotencyKeyFrom } from "~/server/api/idempotency/key-header";

const key = (value: string) => idempotencyKeyFrom(new Headers({ "idempotency-key": value }));

describe("Idempotency-Key header", () => {
  it("reads the draft's quoted form and the common bare form", () => {
    expect(key('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe("8e03978e-40d5-43e8-bc93-6894a57f9324");
    expect(key("8e03978e-40d5-43e8-bc93-6894a57f9324")).toBe("8e03978e-40d5-43e8-bc93-6894a57f9324");
    expect(key('"a \\"quoted\\" key"')).toBe('a "quoted" key');
  });

  it("is absent when the header is", () => {
    expect(idempotencyKeyFrom(new Headers())).toBeUndefined();
    expect(key("  ")).toBeUndefined();
  });

  it("refuses empty, too long, unbalanced or non-ASCII keys with a sentence", () => {
    for (const bad of ['""', "x".repeat(256), '"open', "clé", "two words"]) {
      expect(() => key(bad), bad).toThrow(/Idempotency-Key header must be 1 to 255 printable ASCII characters/);
    }
    expect(key("x".repeat(255))).toHaveLength(255);
  });
});

describe("request fingerprint", () => {
  it("is the same for the same operation and input, whatever the key order", () => {
    expect(requestFingerprint("user.create", { name: "A", email: "a@x" })).toBe(
      requestFingerprint("user.create", { email: "a@x", name: "A" }),
    );
  });

  it("differs for another input or another operation", () => {
    const base = requestFingerprint("user.update", { id: 1, name: "A" });
    expect(requestFingerprint("user.update", { id: 1, name: "B" })).not.toBe(base);
    expect(requestFingerprint("user.delete", { id: 1, name: "A" })).not.toBe(base);
  });
});
