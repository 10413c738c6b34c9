/**
 * `npm run client -- <command>`: the user API from a terminal, through the same client code as the
 * browser (src/trpc/links.ts). It reads its own writes across invocations: the consistency token of the
 * last mutation is kept in a small file per server URL under the OS temp dir and sent with the next
 * command, so `create` then `get` finds the new user even on a lagging replica.
 *
 *   create --name "Ada" --email ada@example.com
 *   list [--search text] [--cursor id] [--limit n]
 *   get <id>
 *   update <id> [--name X] [--email Y]
 *   delete <id>
 *   --url http://127.0.0.1:3000   the app (default)
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import type { ServedBy } from "~/server/db";
import { isToken } from "~/server/db/data-layer/consistency-token";
import { type ApiClient, createApiClient, unreachableReason } from "~/trpc/api-client";
import type { ConsistencyTokenStore } from "~/trpc/consistency-token";

const DEFAULT_URL = "http://127.0.0.1:3000";

const USAGE = `Usage: npm run client -- <command> [options]
  create --name NAME --email EMAIL
  list [--search TEXT] [--cursor ID] [--limit N]
  get ID
  update ID [--name NAME] [--email EMAIL]
  delete ID
Options: --url URL   the app (default ${DEFAULT_URL})`;

class UsageError extends Error {}

interface User {
  id: number;
  name: string;
  email: string;
  createdAt: Date;
}

type Options = Partial<Record<"name" | "email" | "search" | "cursor" | "limit", string>>;

const commands: Record<string, (api: ApiClient, args: string[], options: Options) => Promise<void>> = {
  async create(api, args, { name, email }) {
    noPositionals(args);
    if (name === undefined || email === undefined) throw new UsageError("create needs --name and --email");
    const { user, servedBy, consistencyToken } = await api.user.create.mutate({ name, email });
    printWritten("created", user, servedBy, consistencyToken);
  },
  async list(api, args, { search, cursor, limit }) {
    noPositionals(args);
    const page = await api.user.list.query({
      search,
      cursor: optionalNumber(cursor, "--cursor"),
      limit: optionalNumber(limit, "--limit"),
    });
    if (page.items.length === 0) console.log(search ? `no users match "${search}"` : "no users");
    for (const user of page.items) console.log(describe(user));
    if (page.nextCursor !== null)
      console.log(
        `more: npm run client -- list --cursor ${page.nextCursor}${search ? ` --search ${JSON.stringify(search)}` : ""}`,
      );
    printServedBy(page.servedBy);
  },
  async get(api, args) {
    const { user, servedBy } = await api.user.byId.query({ id: idArgument(args) });
    console.log(describe(user));
    printServedBy(servedBy);
  },
  async update(api, args, { name, email }) {
    const id = idArgument(args);
    if (name === undefined && email === undefined) throw new UsageError("update needs --name and/or --email");
    const { user, servedBy, consistencyToken } = await api.user.update.mutate({ id, name, email });
    printWritten("updated", user, servedBy, consistencyToken);
  },
  async delete(api, args) {
    const { user, servedBy, consistencyToken } = await api.user.delete.mutate({ id: idArgument(args) });
    printWritten("deleted", user, servedBy, consistencyToken);
  },
};

function describe(user: User): string {
  return `#${user.id}  ${user.name} <${user.email}>  created ${user.createdAt.toISOString()}`;
}

function printWritten(verb: string, user: User, servedBy: ServedBy, consistencyToken: string): void {
  console.log(`${verb} ${describe(user)}`);
  console.log(
    `written on ${servedBy.node} (${servedBy.endpoint}); consistency token ${consistencyToken} kept for the next commands`,
  );
}

function printServedBy(servedBy: ServedBy): void {
  console.log(
    `served by ${servedBy.node} (${servedBy.endpoint}, ${servedBy.role}): ${servedBy.reason}, ${servedBy.detail}`,
  );
}

function noPositionals(args: string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument: ${args[0]}`);
}

function idArgument(args: string[]): number {
  if (args.length !== 1) throw new UsageError("give one user id, e.g. get 1");
  return wholeNumber(args[0], "the id");
}

function optionalNumber(value: string | undefined, what: string): number | undefined {
  return value === undefined ? undefined : wholeNumber(value, what);
}

/** Only the shape is checked here; the server's validation has the last word on ranges. */
function wholeNumber(value: string, what: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${what} must be a whole number, got "${value}"`);
  return Number(value);
}

/** The token of the last mutation against `serverUrl`, in a file only this user can read. */
function tokenFile(serverUrl: string): ConsistencyTokenStore {
  const dir = path.join(os.tmpdir(), "tandem-client");
  const file = path.join(dir, `${createHash("sha256").update(serverUrl).digest("hex").slice(0, 16)}.token`);
  return {
    get() {
      try {
        const token = readFileSync(file, "utf8").trim();
        return isToken(token) ? token : undefined; // a damaged file must not make every request a BAD_REQUEST
      } catch {
        return undefined;
      }
    },
    set(token) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
    },
  };
}

function explain(error: unknown, serverUrl: string): string {
  const unreachable = unreachableReason(error);
  if (unreachable)
    return `Could not reach the Tandem server at ${serverUrl} (${unreachable}).\nStart it with npm run dev, or point --url at it.`;
  // The server's messages are written for people; input errors already name every field.
  if (error instanceof TRPCClientError) return `${error.data?.code ?? "error"}: ${error.message}`;
  return (error as Error).message ?? String(error);
}

function parseCommandLine() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: "string", default: DEFAULT_URL },
      name: { type: "string" },
      email: { type: "string" },
      search: { type: "string" },
      cursor: { type: "string" },
      limit: { type: "string" },
    },
  });
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine();
  } catch (error) {
    // parseArgs reads "-1" as an option; what the person meant is an id, and ids are positive.
    const negative = process.argv.slice(2).find((arg) => /^-\d+$/.test(arg));
    const message = negative ? `ids are positive whole numbers, got "${negative}"` : (error as Error).message;
    console.error(`${message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...args] = parsed.positionals;
  const run = command ? commands[command] : undefined;
  if (!run) {
    console.error(command ? `Unknown command: ${command}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const { url, ...options } = parsed.values;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    console.error(`--url must be the app's address, like ${DEFAULT_URL}, got "${url}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await run(createApiClient(url, tokenFile(url)), args, options);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(explain(error, url));
    return 1;
  }
}

process.exitCode = await main();
