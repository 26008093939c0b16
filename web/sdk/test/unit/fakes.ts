/**
 * Fakes for unit tests only: a WebSocket whose server side the test drives frame by frame, a
 * stand-in for the REST calls the session makes, and a `fetch` for the REST clients. The system
 * tests use the real servers.
 */

import type {
  ClientFrame,
  EventFrame,
  HelloFrame,
  HistoryPage,
  MessageView,
  ReadyFrame,
  RoomDetail,
  RoomEvent,
  RoomId,
  RoomSummary,
  ServerFrame,
} from "../../src/contract";
import type { FetchLike } from "../../src/transport";
import type { SessionApi } from "../../src/session";
import type { WebSocketLike } from "../../src/socket";
import type { WebStorageLike } from "../../src/stores";

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: ClientFrame[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    if (this.readyState === 3) return;
    this.readyState = 2;
  }

  // -- The server's side --------------------------------------------------------------------

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server closes (or the connection breaks, with 1006). */
  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The frames of a type the client sent. */
  frames<T extends ClientFrame["type"]>(type: T): Array<Extract<ClientFrame, { type: T }>> {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

/** Hands out `FakeSocket`s and remembers them. */
export class FakeNetwork {
  readonly sockets: FakeSocket[] = [];

  readonly factory = (url: string): FakeSocket => {
    const socket = new FakeSocket(url);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets[this.sockets.length - 1];
    if (socket === undefined) throw new Error("no socket was opened");
    return socket;
  }
}

export const USER = "00000000-0000-7000-8000-000000000001";
export const OTHER = "00000000-0000-7000-8000-000000000002";
export const ROOM = "00000000-0000-7000-8000-0000000000a1";
export const ROOM2 = "00000000-0000-7000-8000-0000000000a2";

export function hello(overrides: Partial<HelloFrame> = {}): HelloFrame {
  return { type: "hello", protocol: 1, gateway_id: "gw-1", heartbeat_interval_ms: 15_000, typing_renew_ms: 2000, ...overrides };
}

export function ready(rooms: RoomSummary[] = [], user = USER): ReadyFrame {
  return { type: "ready", session_id: "00000000-0000-7000-8000-00000000ffff", user_id: user, rooms };
}

export function summary(roomId: RoomId, lastSeq: number): RoomSummary {
  return {
    room_id: roomId,
    kind: "group",
    name: "general",
    visibility: "public",
    topic: null,
    description: null,
    role: "member",
    member_count: 2,
    message_count: 0,
    last_seq: lastSeq,
    last_read_seq: 0,
    delivered_seq: 0,
    unread_count: 0,
    unread_mentions: 0,
    last_message: null,
    created_at: "2026-11-23T01:52:10.084558Z",
    last_activity_at: "2026-11-23T01:52:10.084558Z",
  };
}

export function posted(seq: number, author = OTHER, clientMsgId = `c-${seq}`): RoomEvent {
  return {
    type: "MessagePosted",
    message_id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    author,
    body: `message ${seq}`,
    client_msg_id: clientMsgId,
    reply_to: null,
    mentions: [],
    attachments: [],
  };
}

export function eventFrame(roomId: RoomId, seq: number, event: RoomEvent = posted(seq)): EventFrame {
  return {
    type: "event",
    room_id: roomId,
    seq,
    event,
    event_version: event.type === "MessagePosted" ? "1.2" : "1.0",
    actor: "author" in event ? event.author : null,
    at: "2026-11-23T01:52:10.091953Z",
  };
}

export function message(seq: number): MessageView {
  return {
    message_id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    seq,
    author_id: OTHER,
    client_msg_id: `c-${seq}`,
    body: `message ${seq}`,
    reply_to: null,
    created_at: "2026-11-23T01:52:10.091953Z",
    edited_at: null,
    deleted_at: null,
    updated_seq: seq,
    reactions: [],
    kind: "text",
    attachments: [],
  };
}

/** The REST calls of a session, answered from fields the test sets. */
export class FakeApi implements SessionApi {
  tokens = ["token-1", "token-2", "token-3", "token-4"];
  issued = 0;
  renewals: string[] = [];
  renewError: unknown = null;
  /** The room read model's `last_seq`, per room. */
  lastSeq = new Map<RoomId, number>();
  /** Every message in the history, per room. */
  messages = new Map<RoomId, MessageView[]>();

  async accessToken(): Promise<string> {
    return this.tokens[this.issued] ?? "token-last";
  }

  async renewAccessToken(rejected: string): Promise<string> {
    this.renewals.push(rejected);
    if (this.renewError !== null) throw this.renewError;
    this.issued += 1;
    return this.tokens[this.issued] ?? "token-last";
  }

  async room(roomId: RoomId): Promise<RoomDetail> {
    return { ...summary(roomId, this.lastSeq.get(roomId) ?? 0), members: [] };
  }

  async history(roomId: RoomId, options: { before?: number; limit?: number }): Promise<HistoryPage> {
    const limit = options.limit ?? 50;
    const all = (this.messages.get(roomId) ?? [])
      .filter((message) => options.before === undefined || message.seq < options.before)
      .sort((a, b) => b.seq - a.seq);
    const page = all.slice(0, limit);
    const oldest = page[page.length - 1];
    return { messages: page, next_before: page.length === limit && oldest !== undefined ? oldest.seq : null, system: [] };
  }
}

/** A `localStorage` stand-in. */
export class MapStorage implements WebStorageLike {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** One request a fake `fetch` received. */
export interface Call {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

/** A JSON answer (no body for `undefined`). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A fetch answered by `route`, recording every call. */
export function fakeFetch(route: (call: Call) => Response | Promise<Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    const call: Call = {
      method: init.method ?? "GET",
      url,
      authorization: headers.get("authorization"),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return route(call);
  };
  return { fetch, calls };
}
