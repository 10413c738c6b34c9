import { describe, expect, it } from "vitest";
import { LostListeners } from "~/server/db/monitor/lost-listeners";

const settled = async (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5))]);

describe("LostListeners", () => {
  it("tells every listener of that node once, with the error, and no listener of another node", async () => {
    const listeners = new LostListeners();
    const a1 = listeners.whenLost("a");
    const a2 = listeners.whenLost("a");
    const b = listeners.whenLost("b");
    const error = new Error("gone");
    listeners.tell("a", error);
    expect(await a1.lost).toBe(error);
    expect(await a2.lost).toBe(error);
    expect(await settled(b.lost)).toBe(false);
  });
  it("a listener that started after the last loss hears only the next one", async () => {
    const listeners = new LostListeners();
    listeners.tell("a", new Error("before"));
    const later = listeners.whenLost("a");
    expect(await settled(later.lost)).toBe(false);
    listeners.tell("a", new Error("after"));
    expect(((await later.lost) as Error).message).toBe("after");
  });
  it("a cancelled listener, or one of a node forgotten, is not told", async () => {
    const listeners = new LostListeners();
    const cancelled = listeners.whenLost("a");
    cancelled.cancel();
    const forgotten = listeners.whenLost("b");
    listeners.forget("b");
    listeners.tell("a", new Error("x"));
    listeners.tell("b", new Error("x"));
    expect(await settled(cancelled.lost)).toBe(false);
    expect(await settled(forgotten.lost)).toBe(false);
  });
});
