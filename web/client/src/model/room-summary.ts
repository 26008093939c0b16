/**
 * Keeps a room list entry current from the room's live events, between two reads of
 * `GET /v1/rooms`: last message and its preview, counts, and the unread and mention badges
 * (a message from someone else counts unless the user is looking at the room).
 */

import type { EventFrame, RoomSummary, UserId } from "../../../sdk/src/index";

const PREVIEW_CHARS = 200;

export function applyToSummary(summary: RoomSummary, frame: EventFrame, me: UserId, viewing: boolean): RoomSummary {
  const next: RoomSummary = { ...summary, last_seq: Math.max(summary.last_seq, frame.seq) };
  const event = frame.event;
  const last = summary.last_message;
  switch (event.type) {
    case "MessagePosted": {
      next.message_count += 1;
      next.last_activity_at = frame.at;
      next.last_message = {
        message_id: event.message_id,
        seq: frame.seq,
        author_id: event.author,
        preview: (event.body ?? "").slice(0, PREVIEW_CHARS),
        created_at: frame.at,
      };
      if (event.author !== me && !viewing) {
        next.unread_count += 1;
        if (event.mentions.includes(me)) next.unread_mentions += 1;
      }
      return next;
    }
    case "MessageEdited":
      if (last?.message_id === event.message_id) next.last_message = { ...last, preview: (event.body ?? "").slice(0, PREVIEW_CHARS) };
      return next;
    case "MessageDeleted":
      if (last?.message_id === event.message_id) next.last_message = { ...last, preview: "" };
      return next;
    case "ReadMarkerMoved":
      if (event.user_id === me) return markedRead(next, event.up_to_seq);
      return next;
    case "MemberJoined":
      next.member_count += 1;
      return next;
    case "MemberLeft":
      next.member_count = Math.max(0, next.member_count - 1);
      return next;
    case "MemberRoleChanged":
      if (event.user_id === me) next.role = event.role;
      return next;
    case "RoomTopicChanged":
      next.topic = event.topic;
      return next;
    case "RoomDescriptionChanged":
      next.description = event.description;
      return next;
    case "RoomCreated":
    case "ReactionAdded":
    case "ReactionRemoved":
    case "VisitorContextRecorded":
    case "ConversationAssigned":
    case "ConversationResolved":
    case "ConversationReopened":
    case "InviteCreated":
    case "InviteRevoked":
    case "InviteAccepted":
    // A ban's removal and a deletion's leaving are `MemberLeft`s of their own.
    case "MemberBanned":
    case "MemberUnbanned":
    case "RoomDeleted":
      return next;
  }
}

/** The entry once the user has read up to `upToSeq`. */
export function markedRead(summary: RoomSummary, upToSeq: number): RoomSummary {
  if (upToSeq <= summary.last_read_seq) return summary;
  const readAll = upToSeq >= (summary.last_message?.seq ?? 0);
  return {
    ...summary,
    last_read_seq: upToSeq,
    unread_count: readAll ? 0 : summary.unread_count,
    unread_mentions: readAll ? 0 : summary.unread_mentions,
  };
}

/** Most recently active first, as `GET /v1/rooms` orders them. */
export function byActivity(a: RoomSummary, b: RoomSummary): number {
  return b.last_activity_at.localeCompare(a.last_activity_at);
}
