/**
 * Who is in each room the user has looked at, with their role, read marker and delivery marker:
 * read from the room's detail, then kept current by its live events (joins, leaves, role
 * changes, read markers) and `receipt` frames (delivery markers). The markers give the
 * "delivered" and "read" ticks of the user's own messages.
 */

import type { EventFrame, MemberView, ReceiptServerFrame, RoomId, UserId } from "../../../sdk/src/index";

export class RoomMembers {
  private readonly byRoom = new Map<RoomId, MemberView[]>();

  has(roomId: RoomId): boolean {
    return this.byRoom.has(roomId);
  }

  get(roomId: RoomId): readonly MemberView[] {
    return this.byRoom.get(roomId) ?? [];
  }

  set(roomId: RoomId, members: MemberView[]): void {
    this.byRoom.set(roomId, members);
  }

  delete(roomId: RoomId): void {
    this.byRoom.delete(roomId);
  }

  /** A member's markers moved (a `receipt` frame); answers whether anything changed. */
  receipt(frame: ReceiptServerFrame): boolean {
    const members = this.byRoom.get(frame.room_id);
    const member = members?.find((candidate) => candidate.user_id === frame.user_id);
    if (members === undefined || member === undefined) return false;
    const delivered = Math.max(member.delivered_seq, frame.delivered_seq, frame.read_seq);
    const read = Math.max(member.last_read_seq, frame.read_seq);
    if (delivered === member.delivered_seq && read === member.last_read_seq) return false;
    const moved = { ...member, delivered_seq: delivered, last_read_seq: read };
    this.byRoom.set(frame.room_id, members.map((candidate) => (candidate === member ? moved : candidate)));
    return true;
  }

  /** Applies a room event to the room's members, if they are loaded. */
  apply(frame: EventFrame): void {
    const members = this.byRoom.get(frame.room_id);
    if (members === undefined) return;
    const event = frame.event;
    const change = (userId: UserId, update: (member: MemberView) => MemberView) =>
      this.byRoom.set(frame.room_id, members.map((member) => (member.user_id === userId ? update(member) : member)));
    switch (event.type) {
      case "MemberJoined":
        if (members.some((member) => member.user_id === event.user_id)) return;
        this.byRoom.set(frame.room_id, [
          ...members,
          {
            user_id: event.user_id,
            role: event.role,
            joined_seq: frame.seq,
            last_read_seq: frame.seq,
            delivered_seq: frame.seq,
            username: null,
            display_name: null,
            presence: "online",
            presence_since: null,
          },
        ]);
        return;
      case "MemberLeft":
        this.byRoom.set(frame.room_id, members.filter((member) => member.user_id !== event.user_id));
        return;
      case "MemberRoleChanged":
        change(event.user_id, (member) => ({ ...member, role: event.role }));
        return;
      case "ReadMarkerMoved":
        // Read implies delivered.
        change(event.user_id, (member) => ({
          ...member,
          last_read_seq: Math.max(member.last_read_seq, event.up_to_seq),
          delivered_seq: Math.max(member.delivered_seq, event.up_to_seq),
        }));
        return;
      default:
        return;
    }
  }
}
