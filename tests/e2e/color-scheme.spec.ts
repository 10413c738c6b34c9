/**
 * Light and dark (the operating system's choice, emulated): every text on the main pages keeps WCAG AA
 * contrast against what is painted under it, and dark really is dark. Toasts and dialogs included.
 */
import { expect, test } from "@playwright/test";
import { contrastFailures } from "./contrast";
import { createUser, toast, unique } from "./users";

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test(`the home, users, user and new-user pages are readable in ${colorScheme} mode`, async ({ page }) => {
      const expectReadable = async (what: string) => {
        const { failures, checked, pageLuminance } = await contrastFailures(page);
        expect(checked, `${what}: texts checked`).toBeGreaterThan(5);
        expect(failures, `${what}: text below WCAG AA contrast`).toEqual([]);
        if (colorScheme === "dark") expect(pageLuminance, `${what}: a dark page`).toBeLessThan(0.05);
        else expect(pageLuminance, `${what}: a light page`).toBeGreaterThan(0.8);
      };

      await page.goto("/");
      await expect(page.getByRole("list", { name: "Database nodes" }).getByRole("listitem")).toHaveCount(3);
      await expectReadable("home");

      const user = unique("Contrast");
      await createUser(page, user);
      await expect(toast(page, `Created ${user.name}`)).toBeVisible();
      await expect(
        page.getByRole("region", { name: "This write on each replica" }).getByText("Replayed").first(),
      ).toBeVisible();
      await expectReadable("user page with its notice and toast");

      await page.getByRole("button", { name: "Delete user" }).click();
      await expect(page.getByRole("alertdialog")).toBeVisible();
      await expectReadable("delete confirmation");
      await page.keyboard.press("Escape");

      await page.goto("/users");
      await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
      await expectReadable("user list");

      await page.goto(`/users?q=${encodeURIComponent(unique("nobody").email)}`);
      await expect(page.getByRole("button", { name: "Clear the search" })).toBeVisible();
      await expectReadable("empty search");

      await page.goto("/users/new");
      await page.getByRole("button", { name: "Create user" }).click();
      await expect(page.getByLabel("Name")).toHaveAccessibleDescription("Name is required");
      await expectReadable("form errors");
    });
  });
}
