/** Reading server frames off the socket. */

import type { ServerFrame } from "./contract";
import { isErrorCode } from "./errors";

const SERVER_FRAME_TYPES: ReadonlySet<string> = new Set([
  "hello",
  "ready",
  "event",
  "resumed",
  "ack",
  "error",
  "typing",
  "pong",
  "receipt",
  "presence",
  "reconnect",
  "contacts",
]);

/** A server frame, checked as far as its `type` (the server's frames carry all their fields). */
export function parseServerFrame(text: string): ServerFrame {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) throw new Error("a server frame is not a JSON object");
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !SERVER_FRAME_TYPES.has(type)) {
    throw new Error(`unknown server frame type ${JSON.stringify(type)}`);
  }
  if (type === "error" && !isErrorCode((value as { code?: unknown }).code)) {
    // A code newer than this SDK: keep the frame, as the most generic failure.
    (value as { code: string }).code = "internal";
  }
  return value as ServerFrame;
}
