/**
 * The login kept in `localStorage`, so that a reload stays logged in. The SDK refreshes the
 * token and reports every change (`onCredentials`); this module only stores what it is given.
 */

import type { Credentials } from "../../sdk/src/index";

const KEY = "chat:credentials";

/** The part of `Storage` used here. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function loadCredentials(storage: KeyValueStorage): Credentials | null {
  const text = storage.getItem(KEY);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Credentials>;
    if (typeof value.userId !== "string" || typeof value.token !== "string") return null;
    return {
      userId: value.userId,
      token: value.token,
      expiresAt: value.expiresAt ?? null,
      refreshToken: value.refreshToken ?? null,
      refreshExpiresAt: value.refreshExpiresAt ?? null,
    };
  } catch {
    return null;
  }
}

export function saveCredentials(storage: KeyValueStorage, credentials: Credentials | null): void {
  if (credentials === null) storage.removeItem(KEY);
  else storage.setItem(KEY, JSON.stringify(credentials));
}
