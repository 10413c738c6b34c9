import { expect, test } from "@playwright/test";
import { tabTo } from "./keyboard";
import { createUser, searchUsers, toast, unique, userRows } from "./users";

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
  await searchUsers(page, user.email.toUpperCase());
  const rows = userRows(page);
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

  // The edit form is in a dialog, not under the details: the data is shown once.
  await expect(page.getByLabel("Name")).toHaveCount(0);
  await page.getByRole("button", { name: "Edit user" }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${user.name}` });
  await expect(edit.getByLabel("Name")).toHaveValue(user.name);
  await edit.getByLabel("Name").fill(`${user.name} Jr`);
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: `${user.name} Jr` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toContainText("Written to primary");
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeFocused(); // not lost with the re-created form
  await expect(page.getByRole("region", { name: "Details" }).getByText(READ_FROM_REPLICA)).toBeVisible();

  // Cancelling the dialog keeps the user.
  await page.getByRole("button", { name: "Delete user" }).click();
  const dialog = page.getByRole("alertdialog", { name: `Delete ${user.name} Jr?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Delete user" }).click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await searchUsers(page, user.email);
  await expect(page.getByText(`No users match “${user.email}”.`)).toBeVisible();
});

test("the search, the order and the page live in the URL: reload, Back and a shared link keep them", async ({
  page,
  browser,
  request,
}) => {
  // Twelve users sharing a tag nothing else has: ten on the first page, two on the second.
  const tag = unique("Pager").email.split("@")[0];
  for (let i = 1; i <= 12; i++) {
    const created = await request.post("/api/trpc/user.create", {
      data: { json: { name: `Pager ${String(i).padStart(2, "0")} ${tag}`, email: `${tag}.${i}@example.com` } },
    });
    expect(created.status(), await created.text()).toBe(200);
  }
  const rows = userRows(page);
  const searchbox = page.getByRole("searchbox", { name: "Search users" });
  const names = () => rows.getByRole("link").allTextContents();
  const pattern = (text: string) => text.replace(/\./g, "\\.");

  await page.goto("/users");
  await searchUsers(page, tag);
  await expect(page).toHaveURL(new RegExp(`/users\\?q=${pattern(tag)}$`));
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText(`${tag}.12@`); // newest first
  await expect(page.getByRole("status").filter({ hasText: "Page 1 of 2 · 12 users match" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");

  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/&page=2$/);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("status").filter({ hasText: /^Page 2 of 2 · 12 users match/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Page 2" })).toHaveAttribute("aria-current", "page");
  const secondPage = page.url();

  // A reload keeps the search (in the box too) and the page, and Previous still works from there.
  await page.reload();
  await expect(rows).toHaveCount(2);
  await expect(searchbox).toHaveValue(tag);
  await page.getByRole("link", { name: "Previous page" }).click();
  await expect(rows).toHaveCount(10);
  await expect(page).not.toHaveURL(/page=/);

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
  await expect(userRows(other)).toHaveCount(2);
  await other.close();

  // Sorting by name starts again on page 1, A to Z (zero-padded numbers: the same order in any collation);
  // the order is in the URL, and a reload keeps it with the page.
  await page.getByRole("columnheader", { name: /Name/ }).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`q=${pattern(tag)}&sort=name$`));
  const byName = Array.from({ length: 12 }, (_, i) => `Pager ${String(i + 1).padStart(2, "0")} ${tag}`);
  await expect.poll(names).toEqual(byName.slice(0, 10));
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("link", { name: "Page 2" }).click();
  await expect(page).toHaveURL(/sort=name&page=2$/);
  await expect.poll(names).toEqual(byName.slice(10));
  await page.reload();
  await expect.poll(names).toEqual(byName.slice(10));
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");

  // Again: Z to A. Then Created: oldest first, the reverse of the first page above.
  await page.getByRole("columnheader", { name: /Name/ }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=name-desc$/);
  await expect.poll(names).toEqual([...byName].reverse().slice(0, 10));
  await page
    .getByRole("columnheader", { name: /Created/ })
    .getByRole("link")
    .click();
  await expect(page).toHaveURL(new RegExp(`q=${pattern(tag)}$`)); // newest first: the default, left out of the URL
  await page
    .getByRole("columnheader", { name: /Created/ })
    .getByRole("link")
    .click();
  await expect(page).toHaveURL(/sort=oldest$/);
  await expect(rows.first()).toContainText(`${tag}.1@`);

  // A mangled page number is the first page of the same search and order, not an error.
  await page.goto(`/users?q=${tag}&sort=oldest&page=oops`);
  await expect(rows).toHaveCount(10);
  await expect(searchbox).toHaveValue(tag);
  await expect(rows.first()).toContainText(`${tag}.1@`);
});

test("toasts say a user was created, saved and deleted, and the user page follows each write", async ({ page }) => {
  const user = unique("Toasty");
  await createUser(page, user);
  await expect(toast(page, `Created ${user.name}`)).toContainText("Written to primary");

  await page.getByRole("button", { name: "Edit user" }).click();
  const edit = page.getByRole("dialog", { name: `Edit ${user.name}` });
  await edit.getByLabel("Name").fill(`${user.name} II`);
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(toast(page, `Saved ${user.name} II`)).toContainText("Written to primary");

  await page.getByRole("button", { name: "Delete user" }).click();
  await page
    .getByRole("alertdialog", { name: `Delete ${user.name} II?` })
    .getByRole("button", { name: "Delete", exact: true })
    .click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(toast(page, `Deleted ${user.name} II`)).toContainText(user.email);
});

test("an empty search says so and offers a way out", async ({ page }) => {
  const nothing = unique("Nobody").email;
  await page.goto(`/users?q=${encodeURIComponent(nothing)}`);
  await expect(page.getByRole("heading", { name: `No users match “${nothing}”.` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `0 users match “${nothing}”` })).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toHaveCount(0);
  await expect(page.getByRole("main").getByRole("link", { name: "New user" }).last()).toHaveAttribute(
    "href",
    "/users/new",
  );
  await page.getByRole("button", { name: "Clear the search" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(userRows(page).first()).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Search users" })).toHaveValue("");
});

test("create, edit and delete work from the keyboard alone, and the focus is never lost", async ({ page }) => {
  const user = unique("Keyboard Only");
  await page.goto("/users/new");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();

  // Create: type into each field, Enter submits; the new user's heading takes the focus.
  await tabTo(page, page.getByLabel("Name"));
  await page.keyboard.type(user.name);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(user.email);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/users\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: user.name })).toBeFocused();

  // Edit: Enter opens the dialog with the focus in its first field; Escape closes it, back on the button.
  const editButton = page.getByRole("button", { name: "Edit user" });
  await tabTo(page, editButton);
  await page.keyboard.press("Enter");
  const edit = page.getByRole("dialog", { name: `Edit ${user.name}` });
  await expect(edit.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(edit).toBeHidden();
  await expect(editButton).toBeFocused();

  // …then for real: select the name, type the new one, Enter saves; the focus lands on the "Saved." notice.
  await page.keyboard.press("Enter");
  await expect(edit.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(`${user.name} Renamed`);
  await page.keyboard.press("Enter");
  await expect(edit).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: `${user.name} Renamed` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeFocused();

  // Delete: the confirmation opens on Cancel (the safe choice); Tab to Delete, Enter.
  await tabTo(page, page.getByRole("button", { name: "Delete user" }));
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("alertdialog", { name: `Delete ${user.name} Renamed?` });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(confirm.getByRole("button", { name: "Delete", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/users$/);
  await expect(toast(page, `Deleted ${user.name} Renamed`)).toBeVisible();
});
