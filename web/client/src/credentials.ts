/**
 * The login kept in `localStorage`, so that a reload stays logged in. The SDK refreshes the
 * token and reports every change (`onCredentials`); this module only stores what it is given.
 */

import { type Credentials, parseCredentials } from "../../sdk/src/index";

const KEY = "chat:credentials";

/** The part of `Storage` used here. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function loadCredentials(storage: KeyValueStorage): Credentials | null {
  const text = storage.getItem(KEY);
  return text === null ? null : parseCredentials(text);
}

export function saveCredentials(storage: KeyValueStorage, credentials: Credentials | null): void {
  if (credentials === null) storage.removeItem(KEY);
  else storage.setItem(KEY, JSON.stringify(credentials));
}
