/**
 * The WebSocket the session needs: the browser's `WebSocket`, or any class shaped like it (the
 * `ws` package in Node, a fake in unit tests). Only the handler properties, `send`, `close` and
 * `readyState` are used.
 */

/** Lets a handler that takes a richer event (a DOM `MessageEvent`) fit (method bivariance). */
type Handler<E> = { bivarianceHack(event: E): void }["bivarianceHack"];

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url` (e.g. `(url) => new WebSocket(url)`). */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** `WebSocket.OPEN`. */
export const OPEN = 1;

/** The platform's WebSocket, if it has one. */
export function platformWebSocket(): WebSocketFactory | null {
  const Platform = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  return Platform === undefined ? null : (url) => new Platform(url);
}
