import { describe, expect, it } from "vitest";
import { UserFacingError } from "~/schema-engine/errors";
import { formatLosses, refuseUnconfirmed } from "~/schema-engine/revert/losses";

const posts = { action: 'drops table "posts"', amount: 1234, unit: "row" };
const bio = { action: 'drops column "users"."bio"', amount: 1, unit: "non-null value" };

describe("formatLosses", () => {
  it("one line per object, with the amount and a plural only when it is not one", () => {
    expect(formatLosses([posts, bio])).toBe(
      '  This drops table "posts" (1,234 rows) — the data cannot be restored by migrate:deploy.\n' +
        '  This drops column "users"."bio" (1 non-null value) — the data cannot be restored by migrate:deploy.',
    );
  });
});

describe("refuseUnconfirmed", () => {
  it("lets through losses in objects that were shown, whatever their amount now", () => {
    expect(() => refuseUnconfirmed([{ ...posts, amount: 2000 }], [posts])).not.toThrow();
    expect(() => refuseUnconfirmed([], [posts])).not.toThrow();
  });

  it("stops on data found in an object nobody was warned about", () => {
    expect(() => refuseUnconfirmed([posts, bio], [posts])).toThrow(UserFacingError);
    expect(() => refuseUnconfirmed([bio], [])).toThrow(
      /Data was written while reverting[\s\S]*"users"."bio" \(1 non-null value\)[\s\S]*Nothing was reverted/,
    );
  });
});
