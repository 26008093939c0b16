/**
 * A message's status for its author (docs/api.md §3.10, "Message status"): `sending` while it
 * is in the outbox, `sent` once the server acknowledged it with a `seq`, `delivered` once the
 * devices of everyone it is for have received it (their `delivered_seq` ≥ its `seq`), `read`
 * once they have all read it (`last_read_seq` ≥ `seq`). Read implies delivered.
 *
 * Who a message is for: every other current member of a group or direct room. In a support
 * conversation, the other side: a visitor's message is for the team (any agent's device or
 * eyes will do, since one agent answers), an agent's message for the visitor. Counts come with
 * the status, for rooms where "everyone" is many people (show "read by 3 of 40").
 */

import type { UserId } from "./contract";

export type MessageStatus = "sending" | "sent" | "delivered" | "read";

/** A member's markers, as room details, receipts, `receipt` frames and events tell them. */
export interface MemberMarkers {
  user_id: UserId;
  last_read_seq: number;
  delivered_seq: number;
}

export interface StatusQuery {
  /** The message's `seq`; `null` while it is in the outbox. */
  seq: number | null;
  author: UserId;
  /** The room's current members (the author among them or not). */
  members: readonly MemberMarkers[];
  /** A support conversation and its visitor (`null` if not known). */
  support?: { visitor: UserId | null };
}

export interface DeliveryStatus {
  status: MessageStatus;
  /** How many people the message is for. */
  recipients: number;
  /** Of those, how many have received it, and how many have read it. */
  delivered: number;
  read: number;
}

export function messageStatus(query: StatusQuery): DeliveryStatus {
  const { seq, author } = query;
  const others = query.members.filter((member) => member.user_id !== author);
  const visitor = query.support?.visitor ?? null;
  // In a support conversation a visitor writes to the team, where any agent will do.
  const anyOne = query.support !== undefined && author === visitor;
  const recipients = query.support !== undefined && visitor !== null && author !== visitor ? others.filter((member) => member.user_id === visitor) : others;
  if (seq === null) return { status: "sending", recipients: recipients.length, delivered: 0, read: 0 };
  const read = recipients.filter((member) => member.last_read_seq >= seq).length;
  const delivered = recipients.filter((member) => Math.max(member.delivered_seq, member.last_read_seq) >= seq).length;
  const reached = (count: number) => recipients.length > 0 && (anyOne ? count > 0 : count === recipients.length);
  const status: MessageStatus = reached(read) ? "read" : reached(delivered) ? "delivered" : "sent";
  return { status, recipients: recipients.length, delivered, read };
}
