/**
 * The main screens, as the Lighthouse check and the screenshot script visit them: home, the user list,
 * one user's page, and the admin page signed in. A user is created through the API first, so the list
 * and the user's page have content.
 */
import { unique } from "./users";

export interface Screen {
  /** A short name for reports and file names. */
  name: string;
  path: string;
  /** The admin page: sign in with the server's admin token first. */
  signedIn?: boolean;
}

/** Creates a user through the tRPC API (as any client could) and returns the screens to visit. */
export async function mainScreens(baseURL: string): Promise<Screen[]> {
  const response = await fetch(new URL("/api/trpc/user.create", baseURL), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: unique("Screen Sam") }),
  });
  const body = (await response.json()) as { result?: { data?: { json?: { user: { id: number } } } } };
  const id = body.result?.data?.json?.user.id;
  if (!id) throw new Error(`creating a user for the screens failed: ${JSON.stringify(body).slice(0, 300)}`);
  return [
    { name: "home", path: "/" },
    { name: "users", path: "/users" },
    { name: "user", path: `/users/${id}` },
    { name: "admin", path: "/admin", signedIn: true },
  ];
}
