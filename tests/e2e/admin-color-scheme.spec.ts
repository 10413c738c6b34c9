/**
 * The admin page in light and dark (the operating system's choice, emulated): every text keeps WCAG AA
 * contrast against what is painted under it, the menu and the promote confirmation included.
 */
import { expect, test } from "@playwright/test";
import { conditionOf, nodeCard, signIn } from "./admin";
import { contrastFailures } from "./contrast";

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test(`the admin page is readable in ${colorScheme} mode`, async ({ page }) => {
      // With a menu or dialog open only it is checked (the page behind it is inert).
      const expectReadable = async (what: string, atLeast: number) => {
        const { failures, checked } = await contrastFailures(page);
        expect(checked, `${what}: texts checked`).toBeGreaterThanOrEqual(atLeast);
        expect(failures, `${what}: text below WCAG AA contrast`).toEqual([]);
      };
      await signIn(page);
      await expect(conditionOf(page, "replica1")).toHaveText("Healthy");
      await expect(page.getByRole("img", { name: /^Replication lag over/ })).toBeVisible();
      await expect(page.getByRole("list", { name: "Events" }).getByRole("listitem").first()).toBeVisible();
      await expectReadable("dashboard", 40);

      await nodeCard(page, "replica1").getByText("All fields", { exact: true }).click();
      await expect(nodeCard(page, "replica1").getByText("WAL receiver")).toBeVisible();
      await expectReadable("raw fields", 40);
      await nodeCard(page, "replica1").getByRole("button", { name: "Actions for replica1" }).click();
      await expect(page.getByRole("menu")).toBeVisible();
      await expectReadable("actions menu", 2);
      await page.getByRole("menuitem", { name: "Promote replica1…" }).click();
      await expect(page.getByRole("alertdialog")).toBeVisible();
      await expectReadable("promote confirmation", 4);
      await page.keyboard.press("Escape");
    });
  });
}
