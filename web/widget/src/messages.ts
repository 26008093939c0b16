/**
 * What the loader (on the website's page) and the widget (in its frame, on the API's origin)
 * say to each other with `postMessage`, and the checks each side makes of what it receives.
 *
 * Both sides check who is talking before they read a message: the loader only listens to its
 * own frame's window from the API's origin, and posts to it with `targetOrigin` = that origin;
 * the widget only listens to its parent window and, once the parent's first message told it the
 * parent's origin, posts only there. What comes through is still data from another origin, so
 * every message is parsed here into a known shape (or dropped): a marker, a known `type`, and
 * fields of the right type and size.
 */

/** Every message carries this, so that other scripts' messages are told apart. */
export const CHANNEL = "chat-widget/1";

/** The longest page URL or referrer passed on (api.md §12.1). */
export const MAX_URL = 2048;
/** A message body's limit (api.md, "Input limits"). */
export const MAX_BODY = 4000;
/** A display name's limit (api.md §12.1). */
export const MAX_NAME = 64;
/** An email address's limit (api.md §12.1). */
export const MAX_EMAIL = 254;
/** A website's user id's limit (api.md §12.4). */
const MAX_USER_ID = 128;
/** No frame is larger than this (CSS pixels). */
const MAX_PIXELS = 100_000;

/** From the widget's frame to the loader. */
export type FrameMessage =
  /** The widget is up: show the frame, send the context, flush queued calls. */
  | { channel: typeof CHANNEL; type: "ready" }
  /** Resize the frame: its launcher (closed), its panel (open), or the whole viewport (phones), in its corner. */
  | { channel: typeof CHANNEL; type: "size"; width: number; height: number; fullscreen: boolean; position: "left" | "right" }
  | { channel: typeof CHANNEL; type: "opened" }
  | { channel: typeof CHANNEL; type: "closed" }
  /** A new message from an agent, for the page's `ChatWidget.on("message")`. */
  | { channel: typeof CHANNEL; type: "message"; body: string; at: string };

/** From the loader to the widget's frame. */
export type HostMessage =
  /** Where the visitor is (the frame cannot read its parent's URL) and how large the page's viewport is. */
  | { channel: typeof CHANNEL; type: "context"; pageUrl: string | null; referrer: string | null; width: number; height: number }
  | { channel: typeof CHANNEL; type: "open" }
  | { channel: typeof CHANNEL; type: "close" }
  /** `ChatWidget.reset()`: the website's user logged out; forget the visitor in this browser. */
  | { channel: typeof CHANNEL; type: "reset" }
  /**
   * `ChatWidget.identify({...})`: who the visitor is, instead of the pre-chat form's answers; with
   * `userId` and `userHash` (signed by the website's server, api.md §12.4) they become that user.
   */
  | { channel: typeof CHANNEL; type: "identify"; identity: Identity };

/**
 * What a page may tell the widget of its visitor (each part optional, at least one given), in
 * the shape `ChatWidget.identify` takes, so that parsing it again changes nothing.
 */
export interface Identity {
  name: string | null;
  email: string | null;
  /** The website's id for its logged-in user, and its signature: both or neither. */
  userId: string | null;
  userHash: string | null;
}

/** A message from the frame, or `null` if `data` is not one. */
export function parseFrameMessage(data: unknown): FrameMessage | null {
  const message = envelope(data);
  if (message === null) return null;
  switch (message["type"]) {
    case "ready":
    case "opened":
    case "closed":
      return { channel: CHANNEL, type: message["type"] };
    case "size": {
      const width = pixels(message["width"]);
      const height = pixels(message["height"]);
      const fullscreen = message["fullscreen"];
      const position = message["position"];
      if (width === null || height === null || typeof fullscreen !== "boolean") return null;
      if (position !== "left" && position !== "right") return null;
      return { channel: CHANNEL, type: "size", width, height, fullscreen, position };
    }
    case "message": {
      const body = message["body"];
      const at = message["at"];
      if (typeof body !== "string" || body.length > MAX_BODY || typeof at !== "string" || at.length > 64) return null;
      return { channel: CHANNEL, type: "message", body, at };
    }
    default:
      return null;
  }
}

/** A message from the loader, or `null` if `data` is not one. */
export function parseHostMessage(data: unknown): HostMessage | null {
  const message = envelope(data);
  if (message === null) return null;
  switch (message["type"]) {
    case "open":
    case "close":
    case "reset":
      return { channel: CHANNEL, type: message["type"] };
    case "identify": {
      const identity = parseIdentity(message["identity"]);
      return identity === null ? null : { channel: CHANNEL, type: "identify", identity };
    }
    case "context": {
      const width = pixels(message["width"]);
      const height = pixels(message["height"]);
      if (width === null || height === null) return null;
      return { channel: CHANNEL, type: "context", pageUrl: webUrl(message["pageUrl"]), referrer: webUrl(message["referrer"]), width, height };
    }
    default:
      return null;
  }
}

/** An http(s) URL of at most `MAX_URL` characters, else `null` (a `file:` page, an empty referrer). */
export function webUrl(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_URL) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? value : null;
  } catch {
    return null;
  }
}

/** A visitor's name: one line, trimmed, 1–64 characters; else `null`. */
export function displayName(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const name = value.replace(/\s+/g, " ").trim();
  const length = [...name].length;
  return length >= 1 && length <= MAX_NAME ? name : null;
}

/** An email address as the server takes it (one `@`, a dotted domain, no spaces); else `null`. */
export function emailAddress(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const email = value.trim();
  return email.length <= MAX_EMAIL && /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$/.test(email) ? email : null;
}

/**
 * What `ChatWidget.identify` was given, each part checked (a bad part is dropped, not the
 * rest); `null` if nothing usable is left.
 */
export function parseIdentity(value: unknown): Identity | null {
  if (typeof value !== "object" || value === null) return null;
  const given = value as Record<string, unknown>;
  const id = given["userId"];
  const hash = given["userHash"];
  const signed =
    typeof id === "string" && id.trim() !== "" && [...id].length <= MAX_USER_ID && typeof hash === "string" && /^[0-9a-fA-F]{64}$/.test(hash);
  const identity: Identity = {
    name: displayName(given["name"]),
    email: emailAddress(given["email"]),
    userId: signed ? id : null,
    userHash: signed ? hash : null,
  };
  return identity.name === null && identity.email === null && identity.userId === null ? null : identity;
}

function envelope(data: unknown): Record<string, unknown> | null {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return null;
  const message = data as Record<string, unknown>;
  return message["channel"] === CHANNEL && typeof message["type"] === "string" ? message : null;
}

function pixels(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_PIXELS ? Math.round(value) : null;
}
