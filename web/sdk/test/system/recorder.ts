/** Records what a session emits, for assertions in system tests. */

import type { EventFrame, MessagePosted, ResumedFrame, RoomId, TypingServerFrame } from "../../src/contract";
import type { PostReceipt } from "../../src/outbox";
import type { Disconnected } from "../../src/events";
import { ChatSession, type SessionOptions } from "../../src/session";
import { nodeWebSocket } from "./harness";

export class Recorder {
  readonly events: EventFrame[] = [];
  readonly resumed: ResumedFrame[] = [];
  readonly typing: TypingServerFrame[] = [];
  readonly sent: PostReceipt[] = [];
  readonly failed: unknown[] = [];
  readonly disconnects: Disconnected[] = [];
  readonly gateways: string[] = [];
  readonly errors: unknown[] = [];

  constructor(readonly session: ChatSession) {
    session.on("event", (frame) => this.events.push(frame));
    session.on("resumed", (frame) => this.resumed.push(frame));
    session.on("typing", (frame) => this.typing.push(frame));
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

/** A session on the real gateways, over Node's `ws`, recorded. */
export function recordedSession(options: Omit<SessionOptions, "webSocket">): Recorder {
  return new Recorder(new ChatSession({ webSocket: nodeWebSocket, trackVisibility: false, ...options }));
}
