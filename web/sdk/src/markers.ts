/**
 * The members of one room with their read and delivery markers (docs/api.md §3.10), kept
 * current from what the server says: a read of the room (its detail's `members`, or its
 * receipts), its events (joins, leaves, `ReadMarkerMoved`) and `receipt` frames; and from them
 * a message's status for its author (`status.ts`). The web client keeps one per room it shows,
 * the widget one for the visitor's conversation: one rule for both.
 *
 * Markers only move forward, whatever order the news comes in: a read of the room that left
 * before a newer `receipt` arrived does not take it back, and read implies delivered. A
 * `receipt` of someone not (yet) known as a member, because the room was not read yet or their
 * join has not arrived, is kept until they show up.
 */

import type { EventFrame, MemberJoined, ReceiptServerFrame, UserId } from "./contract";
import { type DeliveryStatus, type MemberMarkers, messageStatus } from "./status";

/** A new member as their `MemberJoined` event at `seq` makes them. */
export type JoinedMember<M extends MemberMarkers> = (event: MemberJoined, seq: number) => M;

/** A member who joined at `seq` has read (and received) everything before. */
export const joinedMarkers: JoinedMember<MemberMarkers> = (event, seq) => ({ user_id: event.user_id, last_read_seq: seq, delivered_seq: seq });

export class RoomMarkers<M extends MemberMarkers = MemberMarkers> {
  private current: M[] = [];
  /** Markers from `receipt` frames of users not among the members (yet). */
  private readonly early = new Map<UserId, { delivered: number; read: number }>();

  constructor(private readonly joined: JoinedMember<M>) {}

  /** The members now, in the order the last read of the room gave them (joins at the end). */
  get members(): readonly M[] {
    return this.current;
  }

  /**
   * A read of the room: these are its members. Markers already further (from frames that came
   * while the read was on its way) are kept.
   */
  reset(members: readonly M[]): void {
    const known = new Map(this.current.map((member) => [member.user_id, member]));
    this.current = members.map((member) => {
      const before = known.get(member.user_id);
      const merged = before === undefined ? member : moved(member, before.delivered_seq, before.last_read_seq);
      return this.withEarly(merged);
    });
  }

  /** A member's markers moved (a `receipt` frame of this room); answers whether anything shown changed. */
  receipt(frame: ReceiptServerFrame): boolean {
    const member = this.current.find((candidate) => candidate.user_id === frame.user_id);
    if (member === undefined) {
      const early = this.early.get(frame.user_id);
      this.early.set(frame.user_id, { delivered: Math.max(early?.delivered ?? 0, frame.delivered_seq), read: Math.max(early?.read ?? 0, frame.read_seq) });
      return false;
    }
    return this.replace(member, moved(member, frame.delivered_seq, frame.read_seq));
  }

  /** A room event (of this room); answers whether the members or their markers changed. */
  apply(frame: EventFrame): boolean {
    const event = frame.event;
    switch (event.type) {
      case "MemberJoined":
        if (this.current.some((member) => member.user_id === event.user_id)) return false;
        this.current = [...this.current, this.withEarly(this.joined(event, frame.seq))];
        return true;
      case "MemberLeft": {
        this.early.delete(event.user_id);
        const before = this.current.length;
        this.current = this.current.filter((member) => member.user_id !== event.user_id);
        return this.current.length !== before;
      }
      case "ReadMarkerMoved":
        return this.update(event.user_id, (member) => moved(member, event.up_to_seq, event.up_to_seq));
      default:
        return false;
    }
  }

  /** Changes one member (e.g. their role); answers whether they are a member. */
  update(userId: UserId, change: (member: M) => M): boolean {
    const member = this.current.find((candidate) => candidate.user_id === userId);
    return member !== undefined && this.replace(member, change(member));
  }

  /**
   * The status of `author`'s message at `seq` (`null`: still in the outbox); `support` for a
   * support conversation, with its visitor.
   */
  status(seq: number | null, author: UserId, support?: { visitor: UserId | null }): DeliveryStatus {
    return messageStatus({ seq, author, members: this.current, ...(support === undefined ? {} : { support }) });
  }

  private withEarly(member: M): M {
    const early = this.early.get(member.user_id);
    if (early === undefined) return member;
    this.early.delete(member.user_id);
    return moved(member, early.delivered, early.read);
  }

  private replace(member: M, next: M): boolean {
    if (next === member) return false;
    this.current = this.current.map((candidate) => (candidate === member ? next : candidate));
    return true;
  }
}

/** `member` with markers at least `delivered` and `read` (read implies delivered); itself if nothing moved. */
function moved<M extends MemberMarkers>(member: M, delivered: number, read: number): M {
  const lastRead = Math.max(member.last_read_seq, read);
  const deliveredSeq = Math.max(member.delivered_seq, delivered, lastRead);
  if (lastRead === member.last_read_seq && deliveredSeq === member.delivered_seq) return member;
  return { ...member, last_read_seq: lastRead, delivered_seq: deliveredSeq };
}
