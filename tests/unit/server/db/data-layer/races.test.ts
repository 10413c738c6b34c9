import { describe, expect, it } from "vitest";
import { firstSuccess, settleOrTimeout } from "~/server/db/data-layer/races";

const never = new Promise<number>(() => {});

describe("settleOrTimeout", () => {
  it("the value or the error when the promise settles in time", async () => {
    expect(await settleOrTimeout(Promise.resolve(1), 50)).toEqual({ state: "ok", value: 1 });
    const error = new Error("no");
    expect(await settleOrTimeout(Promise.reject(error), 50)).toEqual({ state: "failed", error });
  });
  it("slow when it has not settled within the time; without a time it waits for the outcome", async () => {
    expect(await settleOrTimeout(never, 5)).toEqual({ state: "slow" });
    const late = new Promise<number>((resolve) => setTimeout(() => resolve(2), 20));
    expect(await settleOrTimeout(late, undefined)).toEqual({ state: "ok", value: 2 });
  });
});

describe("firstSuccess", () => {
  it("the first to succeed, even when another failed first or never answers", async () => {
    expect(
      await firstSuccess([Promise.reject(new Error("a")), Promise.resolve({ v: 2 }), never.then(() => ({ v: 3 }))]),
    ).toEqual({ state: "ok", v: 2 });
  });
  it("every error, in the attempts' order, when all fail", async () => {
    const [a, b] = [new Error("a"), new Error("b")];
    const slowFailure = new Promise<{ v: number }>((_, reject) => setTimeout(() => reject(a), 10));
    expect(await firstSuccess([slowFailure, Promise.reject(b)])).toEqual({ state: "failed", errors: [a, b] });
  });
});
