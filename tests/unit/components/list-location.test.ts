import { describe, expect, it } from "vitest";
import { listHref, parseListLocation } from "~/components/list-location";

const parse = (query: string) => parseListLocation(new URLSearchParams(query));

describe("the user list's location in the URL", () => {
  it("reads the search and the trail of page cursors", () => {
    expect(parse("q=ada&after=120,98")).toEqual({ search: "ada", trail: [120, 98] });
    expect(parse("")).toEqual({ search: "", trail: [] });
  });

  it("writes what it reads, and nothing for the first page of everything", () => {
    const location = { search: "ada lovelace & co", trail: [120, 98] };
    const href = listHref("/users", location);
    expect(href).toBe("/users?q=ada+lovelace+%26+co&after=120%2C98");
    expect(parse(href.split("?")[1])).toEqual(location);
    expect(listHref("/users", { search: "", trail: [] })).toBe("/users");
  });

  it.each([["after=abc"], ["after=12,,9"], ["after=-4"], ["after=0"], ["after=1.5"], ["after=99999999999999999999"]])(
    "shows the first page for an unreadable trail (%s), keeping the search",
    (query) => {
      expect(parse(`q=grace&${query}`)).toEqual({ search: "grace", trail: [] });
    },
  );

  it("drops what the API would refuse: an id beyond PostgreSQL's integers, a search too long or with control characters", () => {
    expect(parse("q=grace&after=2147483647")).toEqual({ search: "grace", trail: [2147483647] });
    expect(parse("q=grace&after=12,3000000000")).toEqual({ search: "grace", trail: [] });
    expect(parse(`q=${"x".repeat(101)}&after=12`)).toEqual({ search: "", trail: [12] });
    expect(parse("q=a%00b")).toEqual({ search: "", trail: [] });
  });

  it("trims the search", () => {
    expect(parse("q=%20%20grace%20").search).toBe("grace");
  });
});
