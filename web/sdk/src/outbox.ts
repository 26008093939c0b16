/**
 * The outbox: posts that the server has not acknowledged yet, persisted in an `OutboxStore`, so
 * that a send is visible exactly once whatever the network does. Each post gets a
 * `client_msg_id` once, when it is queued, and keeps it on every attempt: after a lost
 * connection, a reload, a `timeout`, `busy`, `unavailable` or `rate_limited`, the same key is
 * sent again and the server answers a retry it recognises with the original message
 * (`changed: false`, protocol.md §11 item 7). A post is settled by its `ack`, or by its own
 * `MessagePosted` event when that comes first (e.g. during catch-up after a reload), and is
 * then removed from the store.
 *
 * This class holds no socket: the session asks it what to send and reports what came back.
 */

import { Backoff } from "./backoff";
import type { AckFrame, ErrorCode, MessageId, RoomId, UploadId, UserId } from "./contract";
import { ChatApiError } from "./errors";
import { newId } from "./ids";
import type { OutboxStore, PendingPost } from "./stores";

/** How a post ended well. */
export interface PostReceipt {
  clientMsgId: string;
  roomId: RoomId;
  messageId: MessageId;
  /** The room sequence of its `MessagePosted` event. */
  seq: number;
  /** `true`: the server recognised a retry of a post it already had. */
  duplicate: boolean;
  /** What settled it: the `ack`, or its own event arriving first. */
  confirmedBy: "ack" | "event";
}

export interface PostInput {
  roomId: RoomId;
  /** `""` for a post of files alone (then `attachments` must name one). */
  body: string;
  replyTo?: MessageId | null;
  mentions?: UserId[];
  /** Uploads to attach (`ChatApi.uploadFile`), at most 10. */
  attachments?: UploadId[];
}

/** Codes after which the same post is sent again, with the same key. */
const RETRY: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["busy", "timeout", "unavailable", "rate_limited", "internal"]);

interface Entry {
  post: PendingPost;
  /** The request id of the attempt in flight, if any. */
  inFlight: string | null;
  /** Not sent again before this time (ms). */
  notBefore: number;
  backoff: Backoff;
}

interface Waiter {
  resolve(receipt: PostReceipt): void;
  reject(error: ChatApiError): void;
}

export interface OutboxOptions {
  /** Posts in flight at once on a connection (default 32). */
  maxInFlight?: number;
  now?: () => number;
  random?: () => number;
}

/** What an answer did to a post. */
export type Settlement =
  | { kind: "sent"; post: PendingPost; receipt: PostReceipt }
  | { kind: "failed"; post: PendingPost; error: ChatApiError }
  | { kind: "retry"; post: PendingPost; error: ChatApiError; inMs: number }
  | { kind: "unknown" };

export class Outbox {
  private readonly entries = new Map<string, Entry>();
  private readonly byRequest = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter>();
  private nextOrdinal: number;
  private readonly maxInFlight: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: OutboxStore,
    options: OutboxOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 32;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    let last = -1;
    for (const post of store.load()) {
      this.entries.set(post.clientMsgId, this.entry(post));
      last = Math.max(last, post.ordinal);
    }
    this.nextOrdinal = last + 1;
  }

  /** The posts not acknowledged yet, oldest first. */
  pending(): PendingPost[] {
    return [...this.entries.values()].map((entry) => entry.post);
  }

  get size(): number {
    return this.entries.size;
  }

  has(clientMsgId: string): boolean {
    return this.entries.has(clientMsgId);
  }

  /** Queues and persists a post; the promise settles when the server has it (or refuses it). */
  enqueue(input: PostInput): { post: PendingPost; settled: Promise<PostReceipt> } {
    const post: PendingPost = {
      clientMsgId: newId(),
      roomId: input.roomId,
      body: input.body,
      replyTo: input.replyTo ?? null,
      mentions: input.mentions ?? [],
      attachments: input.attachments ?? [],
      queuedAt: new Date(this.now()).toISOString(),
      ordinal: this.nextOrdinal,
    };
    this.nextOrdinal += 1;
    this.store.put(post);
    this.entries.set(post.clientMsgId, this.entry(post));
    const settled = new Promise<PostReceipt>((resolve, reject) => {
      this.waiters.set(post.clientMsgId, { resolve, reject });
    });
    // The caller may ignore the promise: a refusal is also emitted, never an unhandled rejection.
    settled.catch(() => undefined);
    return { post, settled };
  }

  /**
   * The posts to send now, oldest first, each marked as in flight under a new request id. A
   * room's posts are sent in queue order: one waiting for its retry time holds back the later
   * posts of its room.
   */
  take(requestId: () => string): Array<{ requestId: string; post: PendingPost }> {
    const now = this.now();
    let inFlight = 0;
    for (const entry of this.entries.values()) if (entry.inFlight !== null) inFlight += 1;
    const held = new Set<RoomId>();
    const batch: Array<{ requestId: string; post: PendingPost }> = [];
    for (const entry of this.entries.values()) {
      if (inFlight >= this.maxInFlight) break;
      if (entry.inFlight !== null || held.has(entry.post.roomId)) continue;
      if (entry.notBefore > now) {
        held.add(entry.post.roomId);
        continue;
      }
      const id = requestId();
      entry.inFlight = id;
      this.byRequest.set(id, entry.post.clientMsgId);
      batch.push({ requestId: id, post: entry.post });
      inFlight += 1;
    }
    return batch;
  }

  /** When the earliest post waiting for a retry may go (ms), or `null` if none waits. */
  nextRetryAt(): number | null {
    let earliest: number | null = null;
    for (const entry of this.entries.values()) {
      if (entry.inFlight === null && entry.notBefore > this.now()) {
        earliest = earliest === null ? entry.notBefore : Math.min(earliest, entry.notBefore);
      }
    }
    return earliest;
  }

  /** Whether `requestId` is an attempt of a post. */
  owns(requestId: string): boolean {
    return this.byRequest.has(requestId);
  }

  /** The `ack` of an attempt. */
  acked(ack: AckFrame): Settlement {
    const clientMsgId = this.byRequest.get(ack.id);
    if (clientMsgId === undefined) return { kind: "unknown" };
    this.byRequest.delete(ack.id);
    const entry = this.entries.get(clientMsgId);
    if (entry === undefined || ack.message_id === null) return { kind: "unknown" };
    return this.settle(entry, {
      clientMsgId,
      roomId: entry.post.roomId,
      messageId: ack.message_id,
      seq: ack.seq,
      duplicate: !ack.changed,
      confirmedBy: "ack",
    });
  }

  /** The `error` answering an attempt: retried later with the same key, or refused for good. */
  refused(requestId: string, error: ChatApiError): Settlement {
    const clientMsgId = this.byRequest.get(requestId);
    if (clientMsgId === undefined) return { kind: "unknown" };
    this.byRequest.delete(requestId);
    const entry = this.entries.get(clientMsgId);
    if (entry === undefined) return { kind: "unknown" };
    entry.inFlight = null;
    if (RETRY.has(error.code)) {
      const inMs = Math.max(error.retryAfterMs ?? 0, entry.backoff.next());
      entry.notBefore = this.now() + inMs;
      return { kind: "retry", post: entry.post, error, inMs };
    }
    this.remove(entry);
    this.waiters.get(clientMsgId)?.reject(error);
    this.waiters.delete(clientMsgId);
    return { kind: "failed", post: entry.post, error };
  }

  /** A `MessagePosted` of ours arrived: if it is a queued post, that post is done. */
  posted(roomId: RoomId, clientMsgId: string, messageId: MessageId, seq: number): Settlement {
    const entry = this.entries.get(clientMsgId);
    if (entry === undefined || entry.post.roomId !== roomId) return { kind: "unknown" };
    if (entry.inFlight !== null) this.byRequest.delete(entry.inFlight);
    return this.settle(entry, { clientMsgId, roomId, messageId, seq, duplicate: false, confirmedBy: "event" });
  }

  /** The connection is gone: whatever was in flight is sent again on the next one. */
  connectionLost(): void {
    for (const entry of this.entries.values()) entry.inFlight = null;
    this.byRequest.clear();
  }

  private settle(entry: Entry, receipt: PostReceipt): Settlement {
    this.remove(entry);
    this.waiters.get(receipt.clientMsgId)?.resolve(receipt);
    this.waiters.delete(receipt.clientMsgId);
    return { kind: "sent", post: entry.post, receipt };
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.post.clientMsgId);
    this.store.delete(entry.post.clientMsgId);
  }

  private entry(post: PendingPost): Entry {
    return {
      post,
      inFlight: null,
      notBefore: 0,
      backoff: new Backoff({ baseMs: 250, maxMs: 10_000, random: this.random }),
    };
  }
}
