/**
 * Delivery acknowledgements (protocol.md §3 `received`): the client tells the server how far
 * this device has received each room, so that authors see "delivered". Coalesced: at most one
 * `received` per room per interval, carrying the latest position, and only where the server
 * does not have it yet.
 *
 * What the server has is learnt, not assumed: `ready.rooms[].delivered_seq` on every connect
 * (so an acknowledgement lost with a dying socket is sent again after the reconnect), and our
 * own `receipt` frames. A room is acknowledged once a connection is `ready` (the gateway takes
 * acknowledgements of every room the user is in from then on).
 */

import type { RoomId } from "./contract";

/** How long acknowledgements are gathered before they go (per room: one frame per interval). */
export const ACK_INTERVAL_MS = 250;

export class DeliveryAcks {
  /** How far this device has received each room (its positions). */
  private readonly wanted = new Map<RoomId, number>();
  /** How far the server has each room recorded (learnt), or we sent on this connection. */
  private readonly known = new Map<RoomId, number>();
  private live = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * `send` sends a `received` frame and answers whether it went; `intervalMs` is the coalescing
   * window.
   */
  constructor(
    private readonly send: (roomId: RoomId, upToSeq: number) => boolean,
    private readonly intervalMs = ACK_INTERVAL_MS,
  ) {}

  /**
   * A connection is ready: `recorded` is what the server has for each room it listed (its
   * `delivered_seq`); any other room counts as unknown, and `positions` (every room's) go out
   * wherever they are further.
   */
  connected(recorded: Iterable<[RoomId, number]>, positions: Iterable<[RoomId, number]>): void {
    this.known.clear();
    for (const [roomId, seq] of recorded) this.known.set(roomId, seq);
    this.live = true;
    for (const [roomId, seq] of positions) this.received(roomId, seq);
  }

  /** The socket is gone: nothing is sent until the next `connected`. */
  disconnected(): void {
    this.live = false;
    this.cancel();
  }

  /** This device has received `roomId` up to `seq` (call after processing it). */
  received(roomId: RoomId, seq: number): void {
    if (seq > (this.wanted.get(roomId) ?? 0)) this.wanted.set(roomId, seq);
    if ((this.wanted.get(roomId) ?? 0) > (this.known.get(roomId) ?? 0)) this.schedule();
  }

  /** The server says our marker of `roomId` is at `seq` (our own `receipt` frame). */
  recorded(roomId: RoomId, seq: number): void {
    if (seq > (this.known.get(roomId) ?? 0)) this.known.set(roomId, seq);
  }

  /** We left the room: nothing more to acknowledge there. */
  forget(roomId: RoomId): void {
    this.wanted.delete(roomId);
    this.known.delete(roomId);
  }

  /** Rooms whose position the server does not have yet. */
  pending(): RoomId[] {
    return [...this.wanted].filter(([roomId, seq]) => seq > (this.known.get(roomId) ?? 0)).map(([roomId]) => roomId);
  }

  /** Stops for good. */
  close(): void {
    this.disconnected();
  }

  private schedule(): void {
    if (!this.live || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs);
  }

  private flush(): void {
    if (!this.live) return;
    for (const roomId of this.pending()) {
      const seq = this.wanted.get(roomId) ?? 0;
      if (!this.send(roomId, seq)) return;
      this.known.set(roomId, seq);
    }
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
