"use client";

/** The admin token, per browser tab (sessionStorage): closing the tab signs out. */
import { useCallback, useSyncExternalStore } from "react";

const KEY = "tandem.adminToken";
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function write(token: string | null) {
  try {
    if (token === null) window.sessionStorage.removeItem(KEY);
    else window.sessionStorage.setItem(KEY, token);
  } catch {
    // privacy mode: the token then lasts as long as this page
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * `undefined` until the browser has been asked (server render and hydration), then the token or null.
 * Nothing admin renders before that, so the page never flashes the sign-in form at a signed-in tab.
 */
export function useAdminToken(): [string | null | undefined, (token: string | null) => void] {
  const token = useSyncExternalStore(subscribe, read, () => undefined);
  const set = useCallback((next: string | null) => write(next), []);
  return [token, set];
}
