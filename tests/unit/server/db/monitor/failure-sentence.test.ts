import { describe, expect, it } from "vitest";
import { failureSentence } from "~/server/db/monitor/failure-sentence";

describe("failureSentence: a node's last failure in words, not the driver's", () => {
  it("says a refused connection and where, without the driver's text", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:54322"), { code: "ECONNREFUSED" });
    const sentence = failureSentence(refused, "127.0.0.1:54322");
    expect(sentence).toBe("Not answering at 127.0.0.1:54322: connection refused.");
    expect(sentence).not.toContain("ECONNREFUSED");
  });

  it("says a timeout", () => {
    expect(failureSentence(new Error("timeout exceeded when trying to connect"), "db:5432")).toBe(
      "Not answering at db:5432: timed out.",
    );
  });

  it("keeps the message of an error that is not about the connection", () => {
    expect(
      failureSentence(
        Object.assign(new Error("permission denied for function node_state"), { code: "42501" }),
        "db:5432",
      ),
    ).toBe("Its health probe at db:5432 failed: permission denied for function node_state.");
  });
});
