/** What a revert would destroy, worded for the warning, and the rule that data nobody was shown stops it. */
import { UserFacingError } from "../errors";

/** Data that the down SQL would destroy in one object. */
export interface Loss {
  /** What happens to the object, e.g. `drops table "users"`; it also tells the same object apart across measurements. */
  action: string;
  amount: number;
  /** "row" for a whole table, "non-null value" for a column. */
  unit: string;
}

export function formatLosses(losses: Loss[]): string {
  return losses
    .map(({ action, amount, unit }) => {
      const quantity = `${amount.toLocaleString("en-US")} ${unit}${amount === 1 ? "" : "s"}`;
      return `  This ${action} (${quantity}) — the data cannot be restored by migrate:deploy.`;
    })
    .join("\n");
}

/**
 * Consent was given for the objects in the warning. Data found under the lock in any other object was
 * written after that first look and was never shown to anyone, so it stops the revert.
 */
export function refuseUnconfirmed(atRisk: Loss[], confirmed: Loss[]): void {
  const confirmedActions = new Set(confirmed.map((loss) => loss.action));
  const unconfirmed = atRisk.filter((loss) => !confirmedActions.has(loss.action));
  if (unconfirmed.length) {
    throw new UserFacingError(
      `Data was written while reverting, and the revert would now destroy it:\n${formatLosses(unconfirmed)}\n` +
        "Nothing was reverted. Run the command again to review it, or re-run with --force to accept the loss.",
    );
  }
}
