import { expect, test } from "@playwright/test";
import { createUser, unique } from "./users";

/** A replica that had the write when the page first asked, or one seen with it later (an upper bound). */
const REPLAYED = "Replayed (by the first check|within \\d+(\\.\\d)? m?s of the write)";

/** The badge of a read: "Served by replica2 · replica · read-your-writes" (the node's name, then its role). */
const READ_FROM_REPLICA = /^Served by replica\d+ · replica\b/;

test("a user created in the UI is listed, and its page reads it back from a replica at once", async ({ page }) => {
  const user = unique("Ada Lovelace");
  await createUser(page, user);

  // The detail page right after the write: the data, read from a replica that replayed it.
  const details = page.getByRole("region", { name: "Details" });
  await expect(details.getByRole("definition").filter({ hasText: user.email })).toBeVisible();
  await expect(details.getByText(READ_FROM_REPLICA)).toBeVisible();
  // It carried the write's consistency token: read-your-writes, the reason in full as the tooltip.
  await expect(details.getByText(READ_FROM_REPLICA)).toContainText("read-your-writes");
  await expect(details.getByText(READ_FROM_REPLICA)).toHaveAttribute("title", /your last write/);
  // …and the write itself went to the primary; the page follows it to each replica.
  await expect(page.getByRole("status").filter({ hasText: "Created." })).toContainText("Written to primary");
  const spread = page.getByRole("region", { name: "This write on each replica" }).getByRole("listitem");
  await expect(spread).toHaveText([new RegExp(`^replica1 ${REPLAYED}$`), new RegExp(`^replica2 ${REPLAYED}$`)]);
  const detailUrl = page.url();

  // The list shows it (searching by its email), linking to the same page.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await page.getByRole("searchbox", { name: "Search users" }).fill(user.email.toUpperCase());
  await page.getByRole("button", { name: "Search" }).click();
  const rows = page.getByRole("list", { name: "Users" }).getByRole("listitem");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(user.email);
  await expect(page.getByText(/^Served by (replica\d+|primary)/)).toBeVisible();

  await rows.first().getByRole("link", { name: user.name }).click();
  await expect(page).toHaveURL(detailUrl);
  await expect(page.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
  await expect(details.getByRole("definition").filter({ hasText: user.email })).toBeVisible();
  await expect(details.getByText(READ_FROM_REPLICA)).toBeVisible();
});

test("invalid input and a duplicate email show readable errors under their fields", async ({ page }) => {
  await page.goto("/users/new");
  const name = page.getByLabel("Name");
  const email = page.getByLabel("Email");

  // Empty name, bad email: one sentence under each field, tied to it, and the focus on the first.
  await email.fill("not-an-email");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(name).toHaveAccessibleDescription("Name is required");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription("Enter a valid email address");
  await expect(name).toBeFocused();

  // Fixing the name leaves the email error, which now gets the focus.
  await name.fill("Grace Hopper");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(email).toHaveAccessibleDescription("Enter a valid email address");
  await expect(name).not.toHaveAttribute("aria-invalid");
  await expect(email).toBeFocused();

  // A duplicate email (differing only in case and spaces) is a sentence under the email field.
  const existing = unique("Grace Hopper");
  await createUser(page, existing);
  await page.goto("/users/new");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(`  ${existing.email.toUpperCase()} `);
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByLabel("Email")).toHaveAccessibleDescription("A user with this email already exists");
  await expect(page.getByLabel("Email")).toBeFocused();
  await expect(page).toHaveURL(/\/users\/new$/);

  // Errors are sentences: no stack traces, SQL or Prisma text anywhere on the page.
  await expect(page.locator("body")).not.toContainText(/\bat .+:\d+:\d+|Prisma|SELECT|INSERT|TRPCClientError/);
});

test("a user can be edited, and deleted after confirming", async ({ page }) => {
  const user = unique("Alan Turing");
  await createUser(page, user);

  const edit = page.getByRole("region", { name: "Edit" });
  await edit.getByLabel("Name").fill(`${user.name} Jr`);
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `${user.name} Jr` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toContainText("Written to primary");
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeFocused(); // not lost with the re-created form
  await expect(page.getByRole("region", { name: "Details" }).getByText(READ_FROM_REPLICA)).toBeVisible();

  // Cancelling the dialog keeps the user.
  await page.getByRole("button", { name: "Delete user" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${user.name} Jr?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Delete user" }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await page.getByRole("searchbox", { name: "Search users" }).fill(user.email);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText(`No users match “${user.email}”.`)).toBeVisible();
});

test("the search and the page live in the URL: reload, Back and a shared link keep them", async ({ page, browser, request }) => {
  // Twelve users sharing a tag nothing else has: ten on the first page, two on the second.
  const tag = unique("Pager").email.split("@")[0];
  for (let i = 1; i <= 12; i++) {
    const created = await request.post("/api/trpc/user.create", { data: { json: { name: `Pager ${i}`, email: `${tag}.${i}@example.com` } } });
    expect(created.status(), await created.text()).toBe(200);
  }
  const rows = page.getByRole("list", { name: "Users" }).getByRole("listitem");
  const searchbox = page.getByRole("searchbox", { name: "Search users" });

  await page.goto("/users");
  await searchbox.fill(tag);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`/users\\?q=${tag.replace(/\./g, "\\.")}$`));
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText(`${tag}.12@`); // newest first

  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/&after=\d+$/);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("status").filter({ hasText: /^Page 2 of results for/ })).toBeVisible();
  const secondPage = page.url();

  // A reload keeps the search (in the box too) and the page, and Previous still works from there.
  await page.reload();
  await expect(rows).toHaveCount(2);
  await expect(searchbox).toHaveValue(tag);
  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(rows).toHaveCount(10);
  await expect(page).not.toHaveURL(/after=/);

  // Back and Forward walk the pages, as on any site.
  await page.goBack();
  await expect(rows).toHaveCount(2);
  await page.goBack();
  await expect(rows).toHaveCount(10);
  await page.goForward();
  await expect(rows).toHaveCount(2);

  // The link, opened by someone else, shows the same page.
  const other = await browser.newPage();
  await other.goto(secondPage);
  await expect(other.getByRole("list", { name: "Users" }).getByRole("listitem")).toHaveCount(2);
  await other.close();

  // A mangled page trail is the first page of the same search, not an error.
  await page.goto(`/users?q=${tag}&after=oops`);
  await expect(rows).toHaveCount(10);
  await expect(searchbox).toHaveValue(tag);
});
