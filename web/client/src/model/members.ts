/**
 * Who is in each room the user has looked at, with their role, read marker and delivery marker:
 * read from the room's detail, then kept current by its live events (joins, leaves, role
 * changes, read markers) and `receipt` frames (delivery markers). The markers, and the
 * "delivered" and "read" ticks of the user's own messages they give, follow the SDK's
 * `RoomMarkers`; role changes are the client's own.
 */

import { RoomMarkers, type EventFrame, type JoinedMember, type MemberView, type ReceiptServerFrame, type RoomId } from "../../../sdk/src/index";

/** A member who joined live: what their event says, the rest learnt later. */
const joinedView: JoinedMember<MemberView> = (event, seq) => ({
  user_id: event.user_id,
  role: event.role,
  joined_seq: seq,
  last_read_seq: seq,
  delivered_seq: seq,
  username: null,
  display_name: null,
  presence: "online",
  presence_since: null,
});

export class RoomMembers {
  private readonly byRoom = new Map<RoomId, RoomMarkers<MemberView>>();

  has(roomId: RoomId): boolean {
    return this.byRoom.has(roomId);
  }

  get(roomId: RoomId): readonly MemberView[] {
    return this.byRoom.get(roomId)?.members ?? [];
  }

  /** The room's detail was read: these are its members (markers never move back). */
  set(roomId: RoomId, members: MemberView[]): void {
    let room = this.byRoom.get(roomId);
    if (room === undefined) {
      room = new RoomMarkers(joinedView);
      this.byRoom.set(roomId, room);
    }
    room.reset(members);
  }

  delete(roomId: RoomId): void {
    this.byRoom.delete(roomId);
  }

  /** A member's markers moved (a `receipt` frame); answers whether anything changed. */
  receipt(frame: ReceiptServerFrame): boolean {
    return this.byRoom.get(frame.room_id)?.receipt(frame) ?? false;
  }

  /** Applies a room event to the room's members, if they are loaded. */
  apply(frame: EventFrame): void {
    const room = this.byRoom.get(frame.room_id);
    if (room === undefined) return;
    const event = frame.event;
    if (event.type === "MemberRoleChanged") room.update(event.user_id, (member) => ({ ...member, role: event.role }));
    else room.apply(frame);
  }
}
