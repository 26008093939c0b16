/**
 * `crypto.randomUUID` where the browser leaves it out: it exists only in secure contexts, and a
 * frame is one only if every page around it is, so the widget on an `http://` website has none.
 * The SDK makes its `client_msg_id`s with it; `getRandomValues` works everywhere.
 */

export function ensureRandomUuid(): void {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === "function") return;
  Object.defineProperty(crypto, "randomUUID", {
    configurable: true,
    value: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  });
}
