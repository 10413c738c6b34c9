import { describe, expect, it } from "vitest";
import { listHref, parseListLocation } from "../../src/components/list-location";

const parse = (query: string) => parseListLocation(new URLSearchParams(query));

describe("the user list's location in the URL", () => {
  it("reads the search, the order and the page", () => {
    expect(parse("q=ada&sort=name&page=3")).toEqual({ search: "ada", sort: "name", page: 3 });
    expect(parse("")).toEqual({ search: "", sort: "newest", page: 1 });
  });

  it("writes what it reads, and nothing for the first page of everything newest first", () => {
    const location = { search: "ada lovelace & co", sort: "name-desc" as const, page: 12 };
    const href = listHref("/users", location);
    expect(href).toBe("/users?q=ada+lovelace+%26+co&sort=name-desc&page=12");
    expect(parse(href.split("?")[1])).toEqual(location);
    expect(listHref("/users", { search: "", sort: "newest", page: 1 })).toBe("/users");
  });

  it.each([["page=abc"], ["page=-4"], ["page=0"], ["page=1.5"], ["page=99999999999999999999"], ["page=1000001"]])(
    "shows the first page for an unreadable page number (%s), keeping the search and order",
    (query) => {
      expect(parse(`q=grace&sort=oldest&${query}`)).toEqual({ search: "grace", sort: "oldest", page: 1 });
    },
  );

  it("drops what the API would refuse: an unknown order, a search too long or with control characters", () => {
    expect(parse("q=grace&sort=email&page=2")).toEqual({ search: "grace", sort: "newest", page: 2 });
    expect(parse(`q=${"x".repeat(101)}&page=2`)).toEqual({ search: "", sort: "newest", page: 2 });
    expect(parse("q=a%00b")).toEqual({ search: "", sort: "newest", page: 1 });
  });

  it("trims the search", () => {
    expect(parse("q=%20%20grace%20").search).toBe("grace");
  });
});
