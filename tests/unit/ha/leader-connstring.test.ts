import { describe, expect, it } from "vitest";
import { leaderPort } from "~/ha/leader-connstring";

describe("the replica-creation command", () => {
  it("finds the leader's port in Patroni's connstring, key=value or URL", () => {
    expect(leaderPort("dbname=postgres user=replicator host=127.0.0.1 port=25433 sslmode=verify-full")).toBe(25433);
    expect(leaderPort("postgresql://replicator@127.0.0.1:25434/postgres")).toBe(25434);
    expect(() => leaderPort("host=127.0.0.1 password=secret")).toThrow(/password=…/);
  });
});
