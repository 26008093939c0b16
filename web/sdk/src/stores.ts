/**
 * What the session persists so that a page reload loses nothing: the last processed `seq` of
 * each room (its resume positions, protocol.md §5.3) and the outbox of posts not yet
 * acknowledged. Both are pluggable: in memory (Node, tests), or over a Web Storage
 * (`localStorage` in browsers), one key per room and per post so that a write touches one small
 * value. The interfaces are synchronous, like Web Storage.
 */

import type { MessageId, RoomId, UploadId, UserId } from "./contract";

/** The last processed `seq` per room. */
export interface PositionStore {
  /** Every stored position. */
  load(): Map<RoomId, number>;
  set(roomId: RoomId, seq: number): void;
  delete(roomId: RoomId): void;
}

/** A post the server has not acknowledged yet, as kept in the outbox. */
export interface PendingPost {
  /** The idempotency key, the same on every attempt. */
  clientMsgId: string;
  roomId: RoomId;
  body: string;
  replyTo: MessageId | null;
  mentions: UserId[];
  /** Uploads to attach (`ChatApi.uploadFile`); with them `body` may be `""`. */
  attachments: UploadId[];
  /** When it was queued (RFC 3339). */
  queuedAt: string;
  /** Queueing order, kept across reloads. */
  ordinal: number;
}

/** The posts not acknowledged yet, in the order they were queued. */
export interface OutboxStore {
  load(): PendingPost[];
  put(post: PendingPost): void;
  delete(clientMsgId: string): void;
}

export class MemoryPositionStore implements PositionStore {
  private readonly positions = new Map<RoomId, number>();

  load(): Map<RoomId, number> {
    return new Map(this.positions);
  }

  set(roomId: RoomId, seq: number): void {
    this.positions.set(roomId, seq);
  }

  delete(roomId: RoomId): void {
    this.positions.delete(roomId);
  }
}

export class MemoryOutboxStore implements OutboxStore {
  private readonly posts = new Map<string, PendingPost>();

  load(): PendingPost[] {
    return [...this.posts.values()]
      .map((post) => ({ ...post, mentions: [...post.mentions], attachments: [...post.attachments] }))
      .sort(byOrdinal);
  }

  put(post: PendingPost): void {
    this.posts.set(post.clientMsgId, { ...post, mentions: [...post.mentions], attachments: [...post.attachments] });
  }

  delete(clientMsgId: string): void {
    this.posts.delete(clientMsgId);
  }
}

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) the stores use. */
export interface WebStorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Positions under `<namespace>:pos:<room_id>`. */
export class WebStoragePositionStore implements PositionStore {
  private readonly prefix: string;

  constructor(
    private readonly storage: WebStorageLike,
    namespace: string,
  ) {
    this.prefix = `${namespace}:pos:`;
  }

  load(): Map<RoomId, number> {
    const positions = new Map<RoomId, number>();
    for (const key of keysWithPrefix(this.storage, this.prefix)) {
      const seq = Number(this.storage.getItem(key));
      if (Number.isSafeInteger(seq) && seq >= 0) positions.set(key.slice(this.prefix.length), seq);
    }
    return positions;
  }

  set(roomId: RoomId, seq: number): void {
    this.storage.setItem(this.prefix + roomId, String(seq));
  }

  delete(roomId: RoomId): void {
    this.storage.removeItem(this.prefix + roomId);
  }
}

/** Pending posts under `<namespace>:outbox:<client_msg_id>`, as JSON. */
export class WebStorageOutboxStore implements OutboxStore {
  private readonly prefix: string;

  constructor(
    private readonly storage: WebStorageLike,
    namespace: string,
  ) {
    this.prefix = `${namespace}:outbox:`;
  }

  load(): PendingPost[] {
    const posts: PendingPost[] = [];
    for (const key of keysWithPrefix(this.storage, this.prefix)) {
      const post = parsePendingPost(this.storage.getItem(key));
      if (post === null) {
        this.storage.removeItem(key);
      } else {
        posts.push(post);
      }
    }
    return posts.sort(byOrdinal);
  }

  put(post: PendingPost): void {
    this.storage.setItem(this.prefix + post.clientMsgId, JSON.stringify(post));
  }

  delete(clientMsgId: string): void {
    this.storage.removeItem(this.prefix + clientMsgId);
  }
}

/** Both stores of one user over one Web Storage; `namespace` should name the user. */
export function webStorageStores(
  storage: WebStorageLike,
  namespace: string,
): { positions: PositionStore; outbox: OutboxStore } {
  return {
    positions: new WebStoragePositionStore(storage, namespace),
    outbox: new WebStorageOutboxStore(storage, namespace),
  };
}

function keysWithPrefix(storage: WebStorageLike, prefix: string): string[] {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (key !== null && key.startsWith(prefix)) keys.push(key);
  }
  return keys;
}

function byOrdinal(a: PendingPost, b: PendingPost): number {
  return a.ordinal - b.ordinal;
}

/** A stored post, or `null` if the value is not one (written by another version, corrupted). */
function parsePendingPost(text: string | null): PendingPost | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const post = value as Record<string, unknown>;
  const mentions = post["mentions"];
  // Posts stored before attachments existed have none.
  const attachments = post["attachments"] ?? [];
  if (
    typeof post["clientMsgId"] !== "string" ||
    typeof post["roomId"] !== "string" ||
    typeof post["body"] !== "string" ||
    !(post["replyTo"] === null || typeof post["replyTo"] === "string") ||
    !Array.isArray(mentions) ||
    !mentions.every((id) => typeof id === "string") ||
    !Array.isArray(attachments) ||
    !attachments.every((id) => typeof id === "string") ||
    typeof post["queuedAt"] !== "string" ||
    typeof post["ordinal"] !== "number"
  ) {
    return null;
  }
  return {
    clientMsgId: post["clientMsgId"],
    roomId: post["roomId"],
    body: post["body"],
    replyTo: post["replyTo"],
    mentions: mentions as string[],
    attachments: attachments as string[],
    queuedAt: post["queuedAt"],
    ordinal: post["ordinal"],
  };
}
