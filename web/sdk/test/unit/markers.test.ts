import { describe, expect, it } from "vitest";

import type { EventFrame, ReceiptServerFrame, RoomEvent } from "../../src/contract";
import { RoomMarkers, joinedMarkers } from "../../src/markers";
import type { MemberMarkers } from "../../src/status";

const ROOM = "r";
const [VISITOR, ANN, BOB] = ["visitor", "ann", "bob"];

function frame(seq: number, event: RoomEvent): EventFrame {
  return { type: "event", room_id: ROOM, seq, event, event_version: "1.0", actor: null, at: "2026-12-07T15:00:00Z" };
}

function receipt(user_id: string, delivered_seq: number, read_seq: number): ReceiptServerFrame {
  return { type: "receipt", room_id: ROOM, user_id, delivered_seq, read_seq };
}

function member(user_id: string, delivered_seq: number, last_read_seq: number): MemberMarkers {
  return { user_id, delivered_seq, last_read_seq };
}

const markersOf = (room: RoomMarkers) => room.members.map((one) => [one.user_id, one.delivered_seq, one.last_read_seq]);

describe("RoomMarkers", () => {
  it("takes a visitor's message sent → delivered → read in a support conversation, as its markers move", () => {
    const room = new RoomMarkers(joinedMarkers);
    room.reset([member(VISITOR, 3, 3), member(ANN, 2, 2), member(BOB, 2, 2)]);
    const support = { visitor: VISITOR };
    expect(room.status(null, VISITOR, support).status).toBe("sending");
    expect(room.status(4, VISITOR, support).status).toBe("sent");
    // One agent's device has it: enough, any agent will answer.
    expect(room.receipt(receipt(BOB, 4, 2))).toBe(true);
    expect(room.status(4, VISITOR, support)).toEqual({ status: "delivered", recipients: 2, delivered: 1, read: 0 });
    // An agent reads it.
    expect(room.apply(frame(5, { type: "ReadMarkerMoved", user_id: ANN, up_to_seq: 4 }))).toBe(true);
    expect(room.status(4, VISITOR, support)).toEqual({ status: "read", recipients: 2, delivered: 2, read: 1 });
  });

  it("never moves a marker back, and counts read as delivered", () => {
    const room = new RoomMarkers(joinedMarkers);
    room.reset([member(ANN, 2, 2)]);
    expect(room.receipt(receipt(ANN, 7, 2))).toBe(true);
    expect(room.receipt(receipt(ANN, 5, 2))).toBe(false);
    expect(room.apply(frame(8, { type: "ReadMarkerMoved", user_id: ANN, up_to_seq: 6 }))).toBe(true);
    expect(markersOf(room)).toEqual([[ANN, 7, 6]]);
    expect(room.receipt(receipt(ANN, 7, 9))).toBe(true);
    expect(markersOf(room)).toEqual([[ANN, 9, 9]]);
    // A read of the room that left before those frames came does not take them back.
    room.reset([member(ANN, 3, 3), member(BOB, 1, 1)]);
    expect(markersOf(room)).toEqual([
      [ANN, 9, 9],
      [BOB, 1, 1],
    ]);
  });

  it("follows joins and leaves; the members of the last read are the room's", () => {
    const room = new RoomMarkers(joinedMarkers);
    room.reset([member(VISITOR, 1, 1)]);
    expect(room.apply(frame(4, { type: "MemberJoined", user_id: ANN, role: "admin", added_by: null }))).toBe(true);
    expect(room.apply(frame(4, { type: "MemberJoined", user_id: ANN, role: "admin", added_by: null }))).toBe(false);
    expect(markersOf(room)).toEqual([
      [VISITOR, 1, 1],
      [ANN, 4, 4],
    ]);
    expect(room.apply(frame(5, { type: "MemberLeft", user_id: ANN, removed_by: null }))).toBe(true);
    expect(room.apply(frame(6, { type: "MemberLeft", user_id: ANN, removed_by: null }))).toBe(false);
    expect(markersOf(room)).toEqual([[VISITOR, 1, 1]]);
    // Someone who left no longer makes a message delivered.
    expect(room.status(3, VISITOR, { visitor: VISITOR }).status).toBe("sent");
    expect(room.apply(frame(7, { type: "MessageEdited", message_id: "m", body: "x", edited_by: VISITOR }))).toBe(false);
  });

  it("keeps a receipt that comes before its member is known, until they are", () => {
    const room = new RoomMarkers(joinedMarkers);
    // The conversation's receipts are still on their way when an agent's device acknowledges.
    expect(room.receipt(receipt(ANN, 6, 0))).toBe(false);
    expect(room.members).toEqual([]);
    room.reset([member(VISITOR, 6, 6), member(ANN, 2, 2)]);
    expect(markersOf(room)).toEqual([
      [VISITOR, 6, 6],
      [ANN, 6, 2],
    ]);
    // The same for someone whose join has not arrived yet.
    room.receipt(receipt(BOB, 8, 7));
    room.apply(frame(5, { type: "MemberJoined", user_id: BOB, role: "admin", added_by: ANN }));
    expect(markersOf(room)[2]).toEqual([BOB, 8, 7]);
  });

  it("changes a member's other fields through update, and keeps its own member type", () => {
    type Ranked = MemberMarkers & { role: string };
    const room = new RoomMarkers<Ranked>((event, seq) => ({ ...joinedMarkers(event, seq), role: event.role }));
    room.apply(frame(3, { type: "MemberJoined", user_id: BOB, role: "member", added_by: null }));
    expect(room.update(BOB, (one) => ({ ...one, role: "admin" }))).toBe(true);
    expect(room.update(ANN, (one) => ({ ...one, role: "admin" }))).toBe(false);
    expect(room.members).toEqual([{ user_id: BOB, delivered_seq: 3, last_read_seq: 3, role: "admin" }]);
  });
});
