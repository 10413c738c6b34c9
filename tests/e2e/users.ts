/** Steps the user-facing e2e specs share: a unique user, creating one through the UI, and reading the list. */
import { expect, type Page } from "@playwright/test";

/** Unique per test run: the e2e server's database lives for the whole run. */
export function unique(label: string) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { name: `${label} ${suffix}`, email: `${label.toLowerCase().replace(/\W+/g, ".")}.${suffix}@example.com` };
}

/** Fills and submits the create form, then waits for the new user's own page. */
export async function createUser(page: Page, user: { name: string; email: string }) {
  await page.goto("/users/new");
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page).toHaveURL(/\/users\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
}

/** The user table's body rows (the header row left out). */
export const userRows = (page: Page) => page.getByRole("table", { name: "Users" }).locator("tbody").getByRole("row");

/** A toast (sonner's live region) with this text. */
export const toast = (page: Page, text: string | RegExp) =>
  page
    .getByRole("region", { name: /^Notifications/ })
    .getByRole("listitem")
    .filter({ hasText: text });

/** Searches the list from its search box, as a person would. */
export async function searchUsers(page: Page, text: string) {
  await page.getByRole("searchbox", { name: "Search users" }).fill(text);
  await page.getByRole("button", { name: "Search", exact: true }).click();
}
