import { describe, expect, it } from "vitest";
import { parseLsn } from "~/replication/lsn";
import { WriteTokens } from "~/server/db/data-layer/write-tokens";

/** A writer whose position query the test answers by hand, recording when each was sent. */
function writer() {
  const sent: ((answer: { lsn: bigint; timeline: number } | Error) => void)[] = [];
  const source = {
    writerPosition: () =>
      new Promise<{ lsn: bigint; timeline: number }>((resolve, reject) => {
        sent.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer)));
      }),
    lastKnown: () => ({ lsn: parseLsn("0/100"), timeline: 1 }),
  };
  return { sent, tokens: new WriteTokens(source) };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("WriteTokens", () => {
  it("writes that commit while a query is in flight share the next one, sent after their commits", async () => {
    const { sent, tokens } = writer();
    const first = tokens.after("primary");
    await tick();
    const second = tokens.after("primary");
    const third = tokens.after("primary");
    await tick();
    expect(sent).toHaveLength(1); // the second and third wait: that query may have been sent before they committed
    sent[0]({ lsn: parseLsn("0/200"), timeline: 1 });
    await tick();
    expect(sent).toHaveLength(2);
    sent[1]({ lsn: parseLsn("0/300"), timeline: 1 });
    expect(await first).toEqual({ timeline: 1, lsn: parseLsn("0/200"), primaryOnly: false });
    expect(await second).toEqual({ timeline: 1, lsn: parseLsn("0/300"), primaryOnly: false });
    expect(await third).toEqual(await second);
  });
  it("asks again once, then answers with a primary-only token newer than the client's previous one, never an error", async () => {
    const { sent, tokens } = writer();
    const token = tokens.after("primary", { timeline: 1, lsn: parseLsn("0/500"), primaryOnly: false });
    await tick();
    sent[0](new Error("connection terminated"));
    await tick();
    sent[1](new Error("connection refused"));
    expect(await token).toEqual({ timeline: 1, lsn: parseLsn("0/501"), primaryOnly: true });
  });
});
