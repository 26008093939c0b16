/**
 * What the widget keeps in its frame's `localStorage` (the API's origin, partitioned by the
 * website by the browser): per website, the visitor's credentials, so that a reload or the next
 * day finds the same conversation, and which website user they were identified as; and, under the visitor's namespace, the session's resume
 * positions and outbox. Whether the panel was open is kept for the tab (`sessionStorage`), so
 * that it stays open from one page of the website to the next. Where the browser refuses
 * storage to a frame, everything is kept in memory for the page's lifetime.
 */

import { type Credentials, parseCredentials } from "../../../sdk/src/rest";
import type { WebStorageLike } from "../../../sdk/src/stores";

/** The key of a website's visitor credentials. */
export function visitorKey(websiteId: string): string {
  return `chat:widget:${websiteId}:visitor`;
}

/** The namespace of a visitor's session stores (positions, outbox). */
export function sessionNamespace(websiteId: string, visitorId: string): string {
  return `chat:widget:${websiteId}:${visitorId}`;
}

export function loadVisitor(storage: WebStorageLike, websiteId: string): Credentials | null {
  const text = storage.getItem(visitorKey(websiteId));
  return text === null ? null : parseCredentials(text);
}

export function saveVisitor(storage: WebStorageLike, websiteId: string, credentials: Credentials | null): void {
  if (credentials === null) storage.removeItem(visitorKey(websiteId));
  else storage.setItem(visitorKey(websiteId), JSON.stringify(credentials));
}

/** The website user (api.md §12.4) the stored visitor was identified as, so that a page calling
 * `identify` on every load asks the server once. */
export function identifiedAs(storage: WebStorageLike, websiteId: string): string | null {
  return storage.getItem(`chat:widget:${websiteId}:identified`);
}

export function rememberIdentity(storage: WebStorageLike, websiteId: string, userId: string | null): void {
  const key = `chat:widget:${websiteId}:identified`;
  if (userId === null) storage.removeItem(key);
  else storage.setItem(key, userId);
}

/** Forgets a visitor: credentials, positions and outbox. */
export function forgetVisitor(storage: WebStorageLike, websiteId: string, visitorId: string): void {
  storage.removeItem(visitorKey(websiteId));
  const prefix = `${sessionNamespace(websiteId, visitorId)}:`;
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}

/** `localStorage` or `sessionStorage` if the browser lets the frame use it, else memory. */
export function usableStorage(kind: "localStorage" | "sessionStorage"): WebStorageLike {
  try {
    const storage = window[kind];
    const probe = "chat:widget:probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return new MemoryStorage();
  }
}

class MemoryStorage implements WebStorageLike {
  private readonly values = new Map<string, string>();

  get length(): number {
    return this.values.size;
  }

  key(index: number): string | null {
    return [...this.values.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }

  removeItem(key: string): void {
    this.values.delete(key);
  }
}
