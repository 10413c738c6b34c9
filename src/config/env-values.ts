export type EnvSource = Readonly<Record<string, string | undefined>>;

/** How an environment variable's text is read everywhere: blank counts as unset, as `FOO=` in a .env file means "no value". */
export function unlessBlank(value: unknown): unknown {
  return typeof value === "string" ? value.trim() || undefined : value;
}

export function isSet(value: string | undefined): boolean {
  return unlessBlank(value) !== undefined;
}

/** A comma-separated list (DATABASE_REPLICA_URLS, PATRONI_URLS), entries trimmed; blank means none. */
export function splitList(value: string | undefined): string[] {
  return isSet(value) ? (value as string).split(",").map((entry) => entry.trim()) : [];
}
