/** Records what a session emits, for assertions in system tests. */

import type {
  ClientFrame,
  EventFrame,
  MessagePosted,
  ReceiptServerFrame,
  ResumedFrame,
  RoomId,
  ServerFrame,
  TypingServerFrame,
} from "../../src/contract";
import type { PostReceipt } from "../../src/outbox";
import type { Disconnected } from "../../src/events";
import { ChatSession, type SessionOptions } from "../../src/session";
import type { WebSocketFactory } from "../../src/socket";
import { nodeWebSocket } from "./harness";

export class Recorder {
  readonly events: EventFrame[] = [];
  readonly resumed: ResumedFrame[] = [];
  readonly typing: TypingServerFrame[] = [];
  readonly receipts: ReceiptServerFrame[] = [];
  readonly sent: PostReceipt[] = [];
  readonly failed: unknown[] = [];
  readonly disconnects: Disconnected[] = [];
  readonly gateways: string[] = [];
  readonly errors: unknown[] = [];

  constructor(readonly session: ChatSession) {
    session.on("event", (frame) => this.events.push(frame));
    session.on("resumed", (frame) => this.resumed.push(frame));
    session.on("typing", (frame) => this.typing.push(frame));
    session.on("receipt", (frame) => this.receipts.push(frame));
    session.on("sent", (receipt) => this.sent.push(receipt));
    session.on("postFailed", (failure) => this.failed.push(failure));
    session.on("disconnected", (info) => this.disconnects.push(info));
    session.on("ready", ({ hello }) => this.gateways.push(hello.gateway_id));
    session.on("error", (error) => this.errors.push(error));
  }

  /** The events of a room, in the order received. */
  roomEvents(roomId: RoomId): EventFrame[] {
    return this.events.filter((frame) => frame.room_id === roomId);
  }

  /** The messages posted in a room, in the order received. */
  posts(roomId: RoomId): Array<{ seq: number; post: MessagePosted }> {
    const posts: Array<{ seq: number; post: MessagePosted }> = [];
    for (const frame of this.roomEvents(roomId)) {
      if (frame.event.type === "MessagePosted") posts.push({ seq: frame.seq, post: frame.event });
    }
    return posts;
  }

  bodies(roomId: RoomId): Array<string | null> {
    return this.posts(roomId).map(({ post }) => post.body);
  }
}

/** A session on the real gateways, over Node's `ws` (unless told otherwise), recorded. */
export function recordedSession(options: SessionOptions): Recorder;
export function recordedSession(options: Omit<SessionOptions, "webSocket">): Recorder;
export function recordedSession(options: Omit<SessionOptions, "webSocket"> & Partial<Pick<SessionOptions, "webSocket">>): Recorder {
  return new Recorder(new ChatSession({ webSocket: nodeWebSocket, trackVisibility: false, ...options }));
}

/**
 * Counts what crosses the wire: each `post` frame sent (by `client_msg_id`) and each `ack` that
 * says the server recognised a retry (`changed: false`). Wraps the real socket; changes nothing.
 */
export class WireTap {
  readonly attempts = new Map<string, number>();
  recognisedRetries = 0;
  private readonly postIds = new Set<string>();

  readonly factory: WebSocketFactory = (url) => {
    const socket = nodeWebSocket(url);
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      const frame = JSON.parse(data) as ClientFrame;
      if (frame.type === "post") {
        this.postIds.add(frame.id);
        this.attempts.set(frame.client_msg_id, (this.attempts.get(frame.client_msg_id) ?? 0) + 1);
      }
      send(data);
    };
    return new Proxy(socket, {
      set: (target, property, value: unknown) => {
        if (property === "onmessage" && typeof value === "function") {
          const handler = value as (event: { data: unknown }) => void;
          target.onmessage = (event) => {
            this.observe(event.data);
            handler(event);
          };
          return true;
        }
        return Reflect.set(target, property, value);
      },
    });
  };

  /** Posts sent more than once. */
  get resent(): number {
    let resent = 0;
    for (const count of this.attempts.values()) if (count > 1) resent += 1;
    return resent;
  }

  private observe(data: unknown): void {
    if (typeof data !== "string") return;
    const frame = JSON.parse(data) as ServerFrame;
    if (frame.type === "ack" && this.postIds.has(frame.id) && !frame.changed) this.recognisedRetries += 1;
  }
}
