/**
 * The client's half of exactly-once delivery (protocol.md §5.2, §11 item 2): per room, the last
 * processed `seq`, persisted; events at or below it are duplicates and dropped; an event past
 * `position + 1` reveals a gap, which is filled (from REST history) before the event and those
 * behind it are delivered. A room's events are delivered in `seq` order; rooms do not wait for
 * each other.
 */

import type { EventFrame, RoomId } from "./contract";
import type { PositionStore } from "./stores";

/** What to do with an incoming event of a room. */
export type Verdict =
  | { kind: "deliver" }
  | { kind: "duplicate"; position: number }
  /** The events with `after < seq < before` are missing. */
  | { kind: "gap"; after: number; before: number };

/** The positions of every room, mirrored in a `PositionStore`. */
export class Positions {
  private readonly positions: Map<RoomId, number>;

  constructor(private readonly store: PositionStore) {
    this.positions = store.load();
  }

  get(roomId: RoomId): number | undefined {
    return this.positions.get(roomId);
  }

  has(roomId: RoomId): boolean {
    return this.positions.has(roomId);
  }

  /** Whether `seq` of `roomId` is new, already processed, or leaves a gap. */
  classify(roomId: RoomId, seq: number): Verdict {
    const position = this.positions.get(roomId);
    // A room new to us starts at the first event we receive (protocol.md §11 item 4).
    if (position === undefined || seq === position + 1) return { kind: "deliver" };
    if (seq <= position) return { kind: "duplicate", position };
    return { kind: "gap", after: position, before: seq };
  }

  /** Records `seq` as processed (call only after processing it). */
  set(roomId: RoomId, seq: number): void {
    if (this.positions.get(roomId) === seq) return;
    this.positions.set(roomId, seq);
    this.store.set(roomId, seq);
  }

  /** Starts a room at `seq` unless it already has a position. */
  startAt(roomId: RoomId, seq: number): void {
    if (!this.positions.has(roomId)) this.set(roomId, seq);
  }

  forget(roomId: RoomId): void {
    if (!this.positions.delete(roomId)) return;
    this.store.delete(roomId);
  }

  /**
   * The `identify.resume` map, at most `maxBytes` of JSON (a frame must stay under 64 KiB). If
   * there are too many rooms, the ones left out are delivered from `ready.rooms[].last_seq + 1`
   * and their gaps filled over REST.
   */
  resumeMap(maxBytes: number): Record<RoomId, number> {
    const resume: Record<RoomId, number> = {};
    let bytes = 2;
    for (const [roomId, seq] of this.positions) {
      // `"<uuid>":<seq>,`
      const entry = roomId.length + String(seq).length + 4;
      if (bytes + entry > maxBytes) break;
      resume[roomId] = seq;
      bytes += entry;
    }
    return resume;
  }

  entries(): IterableIterator<[RoomId, number]> {
    return this.positions.entries();
  }
}

/** What a filled gap brought. */
export interface GapFill<T> {
  roomId: RoomId;
  /** The missing events were those with `after < seq < before`. */
  after: number;
  before: number;
  /** What the filler recovered (for REST history: the messages of the gap, oldest first). */
  recovered: T;
}

export interface DeliveryHooks<T> {
  /** Process one event, in order. The position is advanced after it returns. */
  deliver(frame: EventFrame): void;
  /** After the position of a delivered event was stored. */
  delivered(frame: EventFrame): void;
  duplicate(frame: EventFrame, position: number): void;
  /** Recover the events `after < seq < before` of a room. */
  fill(roomId: RoomId, after: number, before: number): Promise<T>;
  filled(fill: GapFill<T>): void;
  /** A fill failed: the gap is skipped (the events behind it are delivered). */
  fillFailed(roomId: RoomId, after: number, before: number, error: unknown): void;
}

/** Orders, de-duplicates and gap-fills the events of every room. */
export class Delivery<T> {
  /** Rooms whose gap is being filled, with the events that arrived meanwhile. */
  private readonly waiting = new Map<RoomId, EventFrame[]>();
  private duplicates = 0;

  constructor(
    readonly positions: Positions,
    private readonly hooks: DeliveryHooks<T>,
  ) {}

  /** Events dropped as duplicates so far. */
  get duplicatesDropped(): number {
    return this.duplicates;
  }

  /** Whether a gap of `roomId` is being filled. */
  filling(roomId: RoomId): boolean {
    return this.waiting.has(roomId);
  }

  receive(frame: EventFrame): void {
    const queue = this.waiting.get(frame.room_id);
    if (queue !== undefined) {
      queue.push(frame);
      return;
    }
    this.process(frame);
  }

  private process(frame: EventFrame): void {
    const verdict = this.positions.classify(frame.room_id, frame.seq);
    switch (verdict.kind) {
      case "deliver":
        this.hooks.deliver(frame);
        this.positions.set(frame.room_id, frame.seq);
        this.hooks.delivered(frame);
        return;
      case "duplicate":
        this.duplicates += 1;
        this.hooks.duplicate(frame, verdict.position);
        return;
      case "gap":
        this.waiting.set(frame.room_id, [frame]);
        void this.fill(frame.room_id, verdict.after, verdict.before);
        return;
    }
  }

  private async fill(roomId: RoomId, after: number, before: number): Promise<void> {
    try {
      const recovered = await this.hooks.fill(roomId, after, before);
      this.hooks.filled({ roomId, after, before, recovered });
    } catch (error) {
      this.hooks.fillFailed(roomId, after, before, error);
    }
    // Whatever the fill brought, the gap is behind us now.
    if ((this.positions.get(roomId) ?? 0) < before - 1) this.positions.set(roomId, before - 1);
    const queue = this.waiting.get(roomId) ?? [];
    this.waiting.delete(roomId);
    for (const [index, frame] of queue.entries()) {
      this.process(frame);
      // A second gap (only across connections) parks the rest again behind it.
      const parked = this.waiting.get(roomId);
      if (parked !== undefined) {
        parked.push(...queue.slice(index + 1));
        return;
      }
    }
  }
}
