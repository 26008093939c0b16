/**
 * One room's messages as the user sees them: history pages (REST, newest first) and live
 * events (WebSocket, in seq order) merged by message id. Whichever source saw a message last
 * (its `updated_seq`) wins, so a page that trails the live stream cannot undo an edit. System
 * lines (joins, leaves, role changes, a support conversation's assignments, resolutions and
 * reopenings) are kept too (`notes`), from history pages and live events alike, by seq. Pure
 * data, no I/O: the model decides when to load.
 */

import {
  type Attachment,
  type EventFrame,
  type MessageId,
  type MessageView,
  type RoomEvent,
  type SystemLine,
  type SystemLineEvent,
  type UserId,
  isSystemLineEvent,
} from "../../../sdk/src/index";

export interface Message {
  id: MessageId;
  seq: number;
  author: UserId;
  clientMsgId: string;
  /** `null` once deleted (or its author erased). */
  body: string | null;
  replyTo: MessageId | null;
  createdAt: string;
  edited: boolean;
  deleted: boolean;
  /** Reaction → who reacted, in the order they did. */
  reactions: Map<string, UserId[]>;
  /** Its files (api.md §13.2); none once deleted. */
  attachments: Attachment[];
  /** The seq of the latest event that changed it. */
  updatedSeq: number;
}

/** An event shown as a line of its own (a system line: a join, a role change, a support action). */
export interface Note {
  seq: number;
  at: string;
  event: SystemLineEvent;
}

export class Timeline {
  private readonly byId = new Map<MessageId, Message>();
  private readonly noteBySeq = new Map<number, Note>();
  private sortedNotes: Note[] | null = [];
  private readonly postKeys = new Set<string>();
  private sorted: Message[] | null = [];
  /** The `before` of the next older page, `null` once the start of the room is loaded. */
  olderBefore: number | null | undefined = undefined;
  loading = false;

  /** Messages, oldest first. */
  messages(): readonly Message[] {
    if (this.sorted === null) this.sorted = [...this.byId.values()].sort((a, b) => a.seq - b.seq);
    return this.sorted;
  }

  /** Notes, oldest first. */
  notes(): readonly Note[] {
    if (this.sortedNotes === null) this.sortedNotes = [...this.noteBySeq.values()].sort((a, b) => a.seq - b.seq);
    return this.sortedNotes;
  }

  get(id: MessageId): Message | undefined {
    return this.byId.get(id);
  }

  /** Whether the newest page was loaded (`olderBefore` is then a cursor or `null`). */
  get loaded(): boolean {
    return this.olderBefore !== undefined;
  }

  get hasOlder(): boolean {
    return this.olderBefore !== null;
  }

  /** Whether a message from this post (by its idempotency key) is here. */
  hasPost(clientMsgId: string): boolean {
    return this.postKeys.has(clientMsgId);
  }

  /** Merges a history page and remembers where the next older one starts. */
  addPage(page: readonly MessageView[], nextBefore: number | null, system: readonly SystemLine[] = []): void {
    this.merge(page);
    this.mergeSystem(system);
    this.olderBefore = page.length === 0 && system.length === 0 ? null : nextBefore;
  }

  /** Merges system lines read over REST (a page's, or a filled gap's). */
  mergeSystem(lines: readonly SystemLine[]): void {
    for (const line of lines) this.note(line.seq, line.at, line.event);
  }

  /** Merges messages read over REST (a page, or the messages of a filled gap). */
  merge(views: readonly MessageView[]): void {
    for (const view of views) this.upsert(fromView(view));
  }

  /** Applies a live event; answers whether a message or a note changed. */
  apply(frame: EventFrame): boolean {
    const event: RoomEvent = frame.event;
    if (isSystemLineEvent(event)) return this.note(frame.seq, frame.at, event);
    if (event.type === "MessagePosted") {
      return this.upsert({
        id: event.message_id,
        seq: frame.seq,
        author: event.author,
        clientMsgId: event.client_msg_id,
        body: event.body,
        replyTo: event.reply_to,
        createdAt: frame.at,
        edited: false,
        deleted: false,
        reactions: new Map(),
        attachments: event.attachments ?? [],
        updatedSeq: frame.seq,
      });
    }
    if (!("message_id" in event)) return false;
    const message = this.byId.get(event.message_id);
    if (message === undefined || message.updatedSeq >= frame.seq) return false;
    const changed: Message = { ...message, updatedSeq: frame.seq };
    switch (event.type) {
      case "MessageEdited":
        changed.body = event.body;
        changed.edited = true;
        break;
      case "MessageDeleted":
        changed.body = null;
        changed.deleted = true;
        changed.attachments = [];
        break;
      case "ReactionAdded":
      case "ReactionRemoved":
        changed.reactions = withReaction(message.reactions, event.reaction, event.user_id, event.type === "ReactionAdded");
        break;
    }
    return this.upsert(changed);
  }

  private note(seq: number, at: string, event: RoomEvent): boolean {
    if (!isSystemLineEvent(event) || this.noteBySeq.has(seq)) return false;
    this.noteBySeq.set(seq, { seq, at, event });
    this.sortedNotes = null;
    return true;
  }

  private upsert(message: Message): boolean {
    const known = this.byId.get(message.id);
    if (known !== undefined && known.updatedSeq >= message.updatedSeq) return false;
    this.byId.set(message.id, message);
    this.postKeys.add(message.clientMsgId);
    this.sorted = null;
    return true;
  }
}

function fromView(view: MessageView): Message {
  return {
    id: view.message_id,
    seq: view.seq,
    author: view.author_id,
    clientMsgId: view.client_msg_id,
    body: view.body,
    replyTo: view.reply_to,
    createdAt: view.created_at,
    edited: view.edited_at !== null,
    deleted: view.deleted_at !== null,
    reactions: new Map(view.reactions.map((reaction) => [reaction.reaction, [...reaction.user_ids]])),
    attachments: view.attachments ?? [],
    updatedSeq: view.updated_seq,
  };
}

function withReaction(reactions: Map<string, UserId[]>, reaction: string, userId: UserId, added: boolean): Map<string, UserId[]> {
  const next = new Map(reactions);
  const users = (next.get(reaction) ?? []).filter((id) => id !== userId);
  if (added) users.push(userId);
  if (users.length === 0) next.delete(reaction);
  else next.set(reaction, users);
  return next;
}
