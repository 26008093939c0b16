/**
 * Typing indicators (protocol.md §6): a throttle for what we send, and the set of others typing
 * for what we show.
 */

import type { RoomId, UserId } from "./contract";

/**
 * At most one `typing: true` per room every `renewMs` (the gateway drops extra ones anyway, and
 * counts them against a rate limit); `typing: false` always goes and resets the room.
 */
export class TypingThrottle {
  private readonly lastSent = new Map<RoomId, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether to send this `typing` frame now; records it if so. */
  shouldSend(roomId: RoomId, typing: boolean, renewMs: number): boolean {
    if (!typing) {
      this.lastSent.delete(roomId);
      return true;
    }
    const now = this.now();
    const last = this.lastSent.get(roomId);
    if (last !== undefined && now - last < renewMs) return false;
    this.lastSent.set(roomId, now);
    return true;
  }

  /** A new connection starts with nothing sent. */
  reset(): void {
    this.lastSent.clear();
  }
}

/**
 * Who else is typing where: shown from `true` until `false`, never timed out by the client (the
 * server sends the `false`); a `false` for someone not shown is ignored; everything is cleared
 * on reconnect and a room's on leaving it.
 */
export class TypingTracker {
  private readonly rooms = new Map<RoomId, Set<UserId>>();

  /** Applies a `typing` frame; answers whether what is shown changed. */
  apply(roomId: RoomId, userId: UserId, typing: boolean): boolean {
    let users = this.rooms.get(roomId);
    if (typing) {
      if (users === undefined) {
        users = new Set();
        this.rooms.set(roomId, users);
      }
      if (users.has(userId)) return false;
      users.add(userId);
      return true;
    }
    if (users === undefined || !users.delete(userId)) return false;
    if (users.size === 0) this.rooms.delete(roomId);
    return true;
  }

  users(roomId: RoomId): UserId[] {
    return [...(this.rooms.get(roomId) ?? [])];
  }

  /** Clears one room; answers who was shown there. */
  clearRoom(roomId: RoomId): UserId[] {
    const users = this.users(roomId);
    this.rooms.delete(roomId);
    return users;
  }

  /** Clears every room; answers what was shown. */
  clearAll(): Array<{ roomId: RoomId; userId: UserId }> {
    const shown: Array<{ roomId: RoomId; userId: UserId }> = [];
    for (const [roomId, users] of this.rooms) for (const userId of users) shown.push({ roomId, userId });
    this.rooms.clear();
    return shown;
  }
}
