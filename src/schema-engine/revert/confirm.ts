/** Asking before data is destroyed: `--force`, or a typed confirmation on a terminal; never silence. */
import readline from "node:readline";
import { UserFacingError } from "../errors";
import { formatLosses, type Loss } from "./losses";

/** Warns about `losses`; returns if the user accepts them (`--force`, or a typed confirmation), else throws. */
export async function confirmLoss(losses: Loss[], migrationName: string, force: boolean): Promise<void> {
  console.warn(`Warning: reverting ${migrationName} destroys data:\n${formatLosses(losses)}\n`);
  if (force) {
    console.warn("--force given: going ahead.");
    return;
  }
  // CI, a pipe, `< /dev/null`: nobody can answer, and silence must not count as consent.
  if (!process.stdin.isTTY) {
    throw new UserFacingError(
      `Refusing to revert ${migrationName}: it destroys the data listed above, and there is no terminal to confirm on. ` +
        "Nothing was changed. Re-run with --force to accept the loss: npm run migrate:revert -- --force",
    );
  }
  const answer = await ask(`Type ${migrationName} or "yes" to destroy this data (anything else cancels): `);
  if (answer !== migrationName && answer.toLowerCase() !== "yes") {
    throw new UserFacingError("Not confirmed; nothing was reverted.");
  }
}

/** One line from the terminal, trimmed; "" when the user closes it (Ctrl-D, Ctrl-C) instead of answering. */
async function ask(question: string): Promise<string> {
  // The prompt goes to stderr with the warning, so it shows even when stdout is piped.
  const terminal = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<string>((resolve) => {
      terminal.once("close", () => resolve(""));
      terminal.question(question, (answer) => resolve(answer.trim()));
    });
  } finally {
    terminal.close();
  }
}
