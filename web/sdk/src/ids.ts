/** Ids the client makes: `client_msg_id`s, request ids. */

/** A random UUID (v4), from the platform's `crypto.randomUUID`. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
