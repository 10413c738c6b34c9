/**
 * The REST API on the production server (next start, src/proxy.ts included): /users answers JSON to API
 * clients and the page to browsers, Next's own navigation and prefetch requests at /users… still get
 * their RSC payloads, and the API reference renders from the app's own files.
 */
import { expect, type Response, test } from "@playwright/test";
import { searchUsers, unique, userRows } from "./users";

test("the demo's requests at /users get JSON: POST 201 with Location, GET the array and the user", async ({
  request,
}) => {
  const user = unique("Rest Client");
  const created = await request.post("/users", { data: user }); // Accept: */*, as curl sends
  expect(created.status()).toBe(201);
  const body = (await created.json()) as { id: number; name: string; email: string; createdAt: string };
  expect(body).toMatchObject(user);
  expect(created.headers().location).toBe(`/users/${body.id}`);
  expect(created.headers()["x-consistency-token"]).toMatch(/^\d+:[0-9A-F]+\/[0-9A-F]+$/);

  const list = await request.get(`/users?search=${encodeURIComponent(user.email)}`);
  expect(list.headers()["content-type"]).toMatch(/^application\/json/);
  expect(await list.json()).toEqual([body]);
  const one = await request.get(created.headers().location, {
    headers: { "x-consistency-token": created.headers()["x-consistency-token"] },
  });
  expect(await one.json()).toEqual(body);

  const missing = await request.get("/users/2147483647", { headers: { accept: "application/json" } });
  expect(missing.status()).toBe(404);
  expect(missing.headers()["content-type"]).toBe("application/problem+json");
});

test("a browser keeps the pages at /users, and Next's navigation and prefetches there keep working", async ({
  page,
  request,
}) => {
  const user = unique("Rest Browser");
  const { id } = (await (await request.post("/users", { data: user })).json()) as { id: number };
  const answers: Response[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/users")) answers.push(response);
  });

  await page.goto("/users");
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await searchUsers(page, user.email);
  await userRows(page).getByRole("link", { name: user.name }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${id}$`));
  await expect(page.getByRole("heading", { level: 1, name: user.name })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();

  const kinds = answers.map(
    (r) => `${r.status()} ${r.headers()["content-type"]?.split(";")[0]} ${new URL(r.url()).pathname}`,
  );
  // The document, then RSC payloads for the client-side navigation (and any prefetch): never the API's JSON.
  expect(
    kinds.some((k) => /^200 text\/html \/users$/.test(k)),
    kinds.join("\n"),
  ).toBe(true);
  expect(
    kinds.some((k) => k.startsWith("200 text/x-component")),
    kinds.join("\n"),
  ).toBe(true);
  expect(
    kinds.filter((k) => /json/.test(k)),
    kinds.join("\n"),
  ).toEqual([]);
});

test("the API reference at /api/docs renders the OpenAPI document; nothing reaches another origin", async ({
  page,
  baseURL,
}) => {
  const foreign: string[] = [];
  const refusedInBrowser: string[] = [];
  const isForeign = (url: string) => !url.startsWith(baseURL!) && !/^(data|blob):/.test(url);
  page.on("request", (r) => {
    if (isForeign(r.url())) foreign.push(r.url());
  });
  page.on("requestfailed", (r) => {
    if (isForeign(r.url()) && /csp/i.test(r.failure()?.errorText ?? "")) refusedInBrowser.push(r.url());
  });
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { name: "Tandem REST API" }).first()).toBeVisible();
  await expect(page.getByText("Create a user").first()).toBeVisible();
  await page.getByText("Change a user's name or email").first().click();
  await expect(page.getByText("Idempotency-Key").first()).toBeVisible();
  // Scalar asks for its web fonts even with withDefaultFonts off; the page's Content-Security-Policy
  // refuses every request to another origin in the browser, before it reaches the network.
  await expect.poll(() => refusedInBrowser.length).toBe(foreign.length);
  expect(foreign.filter((url) => !url.startsWith("https://fonts.scalar.com/"))).toEqual([]);
});
