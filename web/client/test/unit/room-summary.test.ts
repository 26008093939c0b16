import { describe, expect, it } from "vitest";

import type { EventFrame, RoomEvent, RoomSummary } from "../../../sdk/src/index";
import { applyToSummary, markedRead } from "../../src/model/room-summary";

const ME = "me";
const BOB = "bob";

const room: RoomSummary = {
  room_id: "r",
  kind: "group",
  name: "general",
  visibility: "public",
  topic: null,
  description: null,
  role: "member",
  member_count: 2,
  message_count: 0,
  last_seq: 2,
  last_read_seq: 2,
  delivered_seq: 2,
  unread_count: 0,
  unread_mentions: 0,
  last_message: null,
  created_at: "2026-01-01T00:00:00Z",
  last_activity_at: "2026-01-01T00:00:00Z",
};

function frame(seq: number, event: RoomEvent): EventFrame {
  return { type: "event", room_id: "r", seq, event, event_version: "1.0", actor: null, at: `2026-01-01T00:00:0${seq}Z` };
}

function post(seq: number, author: string, mentions: string[] = []): EventFrame {
  return frame(seq, { type: "MessagePosted", message_id: `m${seq}`, author, body: `text ${seq}`, client_msg_id: `c${seq}`, reply_to: null, mentions, attachments: [] });
}

describe("applyToSummary", () => {
  it("counts others' messages and mentions as unread when the room is not viewed", () => {
    let summary = applyToSummary(room, post(3, BOB), ME, false);
    summary = applyToSummary(summary, post(4, BOB, [ME]), ME, false);
    summary = applyToSummary(summary, post(5, ME), ME, false);
    expect(summary).toMatchObject({ unread_count: 2, unread_mentions: 1, message_count: 3, last_seq: 5 });
    expect(summary.last_message).toMatchObject({ seq: 5, author_id: ME, preview: "text 5" });
  });

  it("counts nothing while the room is viewed", () => {
    expect(applyToSummary(room, post(3, BOB, [ME]), ME, true)).toMatchObject({ unread_count: 0, unread_mentions: 0 });
  });

  it("follows edits and deletes of the last message in the preview", () => {
    let summary = applyToSummary(room, post(3, BOB), ME, true);
    summary = applyToSummary(summary, frame(4, { type: "MessageEdited", message_id: "m3", body: "changed", edited_by: BOB }), ME, true);
    expect(summary.last_message?.preview).toBe("changed");
    summary = applyToSummary(summary, frame(5, { type: "MessageDeleted", message_id: "m3", deleted_by: BOB }), ME, true);
    expect(summary.last_message?.preview).toBe("");
  });

  it("clears the badges when the user's own read marker passes the last message", () => {
    let summary = applyToSummary(room, post(3, BOB, [ME]), ME, false);
    summary = applyToSummary(summary, frame(4, { type: "ReadMarkerMoved", user_id: ME, up_to_seq: 3 }), ME, false);
    expect(summary).toMatchObject({ unread_count: 0, unread_mentions: 0, last_read_seq: 3 });
  });
});

describe("markedRead", () => {
  it("never moves the marker back", () => {
    const read = { ...room, last_read_seq: 9 };
    expect(markedRead(read, 4)).toBe(read);
  });
});
