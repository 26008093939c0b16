/**
 * One conversation as the visitor sees it: its messages (from the REST history and from live
 * events, whichever comes first, each once), the system lines of its support events (assigned,
 * resolved, reopened), how far the visitor has read, and the visitor's posts that are still on
 * their way. How far the agents have received and read is not kept here: `lines()` asks for each
 * of the visitor's messages' status (the SDK's `RoomMarkers` answers). Pure: the model feeds it,
 * the UI reads `lines()`.
 */

import type { EventFrame, MessageId, MessageView, UserId } from "../../../sdk/src/contract";
import type { MessageStatus } from "../../../sdk/src/status";
import type { PendingPost } from "../../../sdk/src/stores";

export interface ChatMessage {
  id: MessageId;
  seq: number;
  author: UserId;
  clientMsgId: string;
  /** `null` once deleted (or its author erased). */
  body: string | null;
  at: string;
  edited: boolean;
  /** The sequence of the latest event that changed it; 0 while only its post's `ack` told of it. */
  version: number;
}

export type SystemKind = "assigned" | "resolved" | "reopened";

/**
 * The visitor's own message: on its way, acknowledged by the server, received by an agent's
 * device, read by an agent (api.md §3.10), or refused for good.
 */
export type Delivery = MessageStatus | "failed";

/** The status of the visitor's message at `seq`. */
export type StatusOf = (seq: number) => MessageStatus;

export type Line =
  | { kind: "message"; key: string; mine: boolean; body: string | null; at: string; edited: boolean; delivery: Delivery | null }
  | { kind: "system"; key: string; system: SystemKind; at: string };

/** A post the server refused for good, kept on screen so that the visitor can send it again. */
export interface FailedPost {
  clientMsgId: string;
  body: string;
  queuedAt: string;
}

export class Timeline {
  private readonly messages = new Map<MessageId, ChatMessage>();
  private readonly system = new Map<number, { system: SystemKind; at: string }>();
  /** The visitor's read marker. */
  myRead = 0;

  constructor(readonly me: UserId) {}

  /** Messages from the REST history (any order); newer states win. */
  addHistory(views: readonly MessageView[]): void {
    for (const view of views) {
      const known = this.messages.get(view.message_id);
      if (known !== undefined && known.version >= view.updated_seq) continue;
      this.messages.set(view.message_id, {
        id: view.message_id,
        seq: view.seq,
        author: view.author_id,
        clientMsgId: view.client_msg_id,
        body: view.deleted_at === null ? view.body : null,
        at: view.created_at,
        edited: view.edited_at !== null,
        version: view.updated_seq,
      });
    }
  }

  /** A room event; answers the agent's message it brought, if it is new and unread. */
  apply(frame: EventFrame): ChatMessage | null {
    const event = frame.event;
    switch (event.type) {
      case "MessagePosted": {
        const known = this.messages.get(event.message_id);
        if (known !== undefined && known.version !== 0) return null;
        const message: ChatMessage = {
          id: event.message_id,
          seq: frame.seq,
          author: event.author,
          clientMsgId: event.client_msg_id,
          body: event.body,
          at: frame.at,
          edited: false,
          version: frame.seq,
        };
        this.messages.set(event.message_id, message);
        return known === undefined && message.author !== this.me && message.seq > this.myRead ? message : null;
      }
      case "MessageEdited":
        this.change(event.message_id, frame.seq, (message) => ({ ...message, body: event.body, edited: true }));
        return null;
      case "MessageDeleted":
        this.change(event.message_id, frame.seq, (message) => ({ ...message, body: null }));
        return null;
      case "ReadMarkerMoved":
        if (event.user_id === this.me) this.read(event.up_to_seq);
        return null;
      case "ConversationAssigned":
        if (event.assignee !== null) this.system.set(frame.seq, { system: "assigned", at: frame.at });
        return null;
      case "ConversationResolved":
        this.system.set(frame.seq, { system: "resolved", at: frame.at });
        return null;
      case "ConversationReopened":
        this.system.set(frame.seq, { system: "reopened", at: frame.at });
        return null;
      default:
        return null;
    }
  }

  /**
   * The visitor's post was acknowledged (`seq`) before its event came: it stays on screen, now
   * sent, until its event or the history takes its place.
   */
  acknowledged(receipt: { messageId: MessageId; seq: number; clientMsgId: string }, post: { body: string; queuedAt: string }): void {
    if (this.messages.has(receipt.messageId)) return;
    this.messages.set(receipt.messageId, {
      id: receipt.messageId,
      seq: receipt.seq,
      author: this.me,
      clientMsgId: receipt.clientMsgId,
      body: post.body,
      at: post.queuedAt,
      edited: false,
      version: 0,
    });
  }

  /** The visitor's read marker (from receipts, a `ReadMarkerMoved`, or marking read). */
  read(upToSeq: number): void {
    this.myRead = Math.max(this.myRead, upToSeq);
  }

  /** Agents' messages after the visitor's read marker. */
  unread(): number {
    let count = 0;
    for (const message of this.messages.values()) {
      if (message.author !== this.me && message.seq > this.myRead && message.body !== null) count += 1;
    }
    return count;
  }

  /** The sequence of the latest agent message, or 0. */
  latestAgentSeq(): number {
    let latest = 0;
    for (const message of this.messages.values()) if (message.author !== this.me) latest = Math.max(latest, message.seq);
    return latest;
  }

  /**
   * What to show, oldest first: messages and system lines, then posts still on their way, then
   * failed ones; `status` tells the visitor's messages' delivery.
   */
  lines(pending: readonly PendingPost[], failed: readonly FailedPost[], status: StatusOf): Line[] {
    const delivered = new Set<string>();
    const shown: Array<{ seq: number; line: Line }> = [];
    for (const message of this.messages.values()) {
      const mine = message.author === this.me;
      if (mine) delivered.add(message.clientMsgId);
      shown.push({
        seq: message.seq,
        line: {
          kind: "message",
          key: message.id,
          mine,
          body: message.body,
          at: message.at,
          edited: message.edited,
          delivery: mine ? status(message.seq) : null,
        },
      });
    }
    for (const [seq, { system, at }] of this.system) shown.push({ seq, line: { kind: "system", key: `system-${seq}`, system, at } });
    shown.sort((a, b) => a.seq - b.seq);
    const lines = shown.map(({ line }) => line);
    for (const post of pending) {
      if (delivered.has(post.clientMsgId)) continue;
      lines.push({ kind: "message", key: post.clientMsgId, mine: true, body: post.body, at: post.queuedAt, edited: false, delivery: "sending" });
    }
    for (const post of failed) {
      lines.push({ kind: "message", key: post.clientMsgId, mine: true, body: post.body, at: post.queuedAt, edited: false, delivery: "failed" });
    }
    return lines;
  }

  private change(id: MessageId, seq: number, update: (message: ChatMessage) => ChatMessage): void {
    const message = this.messages.get(id);
    if (message === undefined || message.version >= seq) return;
    this.messages.set(id, { ...update(message), version: seq });
  }
}
