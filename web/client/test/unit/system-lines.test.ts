import { describe, expect, it } from "vitest";

import { shownNotes, systemLine } from "../../src/model/system-lines";
import { Timeline } from "../../src/model/timeline";
import { timelineRows } from "../../src/model/timeline-rows";

const ME = "me";
const ADA = "ada";
const BOB = "bob";
const VISITOR = "visitor";
const NAMES: Record<string, string> = { [ADA]: "Ada", [BOB]: "Bob", [VISITOR]: "Visitor 3F9A" };
const nameOf = (userId: string) => NAMES[userId] ?? userId;

describe("a support conversation's system lines", () => {
  it("say who assigned it to whom, who took it and who unassigned it", () => {
    expect(systemLine({ type: "ConversationAssigned", assignee: BOB, assigned_by: ADA }, nameOf, ME)).toBe("Ada assigned it to Bob");
    expect(systemLine({ type: "ConversationAssigned", assignee: ADA, assigned_by: ADA }, nameOf, ME)).toBe("Ada took the conversation");
    expect(systemLine({ type: "ConversationAssigned", assignee: null, assigned_by: ADA }, nameOf, ME)).toBe("Ada unassigned it");
  });

  it("call the user You", () => {
    expect(systemLine({ type: "ConversationAssigned", assignee: ME, assigned_by: ME }, nameOf, ME)).toBe("You took the conversation");
    expect(systemLine({ type: "ConversationAssigned", assignee: ME, assigned_by: ADA }, nameOf, ME)).toBe("Ada assigned it to you");
    expect(systemLine({ type: "ConversationAssigned", assignee: BOB, assigned_by: ME }, nameOf, ME)).toBe("You assigned it to Bob");
    expect(systemLine({ type: "ConversationAssigned", assignee: null, assigned_by: ME }, nameOf, ME)).toBe("You unassigned it");
    expect(systemLine({ type: "ConversationResolved", resolved_by: ME }, nameOf, ME)).toBe("Resolved by you");
  });

  it("say who resolved and who reopened it, the visitor included", () => {
    expect(systemLine({ type: "ConversationResolved", resolved_by: ADA }, nameOf, ME)).toBe("Resolved by Ada");
    expect(systemLine({ type: "ConversationReopened", reopened_by: VISITOR }, nameOf, ME)).toBe("Reopened by Visitor 3F9A");
    expect(systemLine({ type: "ConversationReopened", reopened_by: BOB }, nameOf, ME)).toBe("Reopened by Bob");
  });

  it("stand between the messages in seq order, once each, and not above history still to load", () => {
    const at = "2026-01-01T10:00:00Z";
    const timeline = new Timeline();
    const frame = (seq: number, event: Parameters<Timeline["apply"]>[0]["event"]) =>
      timeline.apply({ type: "event", room_id: "r", seq, event, event_version: "1.0", actor: null, at });
    const post = (seq: number, id: string) =>
      frame(seq, { type: "MessagePosted", message_id: id, author: VISITOR, body: id, client_msg_id: id, reply_to: null, mentions: [], attachments: [] });
    post(5, "hello");
    expect(frame(6, { type: "ConversationAssigned", assignee: ME, assigned_by: ME })).toBe(true);
    expect(frame(6, { type: "ConversationAssigned", assignee: ME, assigned_by: ME })).toBe(false);
    frame(7, { type: "ConversationResolved", resolved_by: ME });
    frame(8, { type: "ConversationReopened", reopened_by: VISITOR });
    post(9, "again");
    frame(2, { type: "ConversationAssigned", assignee: ADA, assigned_by: ADA });
    const none = { after: Number.POSITIVE_INFINITY, upTo: 0 };
    const kinds = (complete: boolean) =>
      timelineRows(timeline.messages(), timeline.notes(), [], none, ME, complete).map((row) =>
        row.kind === "message" ? row.message.body : row.kind === "note" ? row.note.seq : "pending",
      );
    expect(kinds(true)).toEqual([2, "hello", 6, 7, 8, "again"]);
    expect(kinds(false)).toEqual(["hello", 6, 7, 8, "again"]);
    const rows = timelineRows(timeline.messages(), timeline.notes(), [], none, ME, true);
    expect(rows.filter((row) => row.kind !== "pending" && row.day !== null)).toHaveLength(1);
  });
});

describe("a room's membership lines", () => {
  it("say who created the room, joined, was added, left, was removed and changed roles", () => {
    expect(systemLine({ type: "RoomCreated", kind: { type: "group", name: "g", visibility: "public" }, created_by: ADA }, nameOf, ME)).toBe("Ada created the room");
    expect(systemLine({ type: "RoomCreated", kind: { type: "support", website_id: "w", visitor: VISITOR }, created_by: VISITOR }, nameOf, ME)).toBe(
      "Visitor 3F9A started the conversation",
    );
    expect(systemLine({ type: "MemberJoined", user_id: BOB, role: "member", added_by: null }, nameOf, ME)).toBe("Bob joined");
    expect(systemLine({ type: "MemberJoined", user_id: BOB, role: "member", added_by: ADA }, nameOf, ME)).toBe("Ada added Bob");
    expect(systemLine({ type: "MemberJoined", user_id: ME, role: "member", added_by: ADA }, nameOf, ME)).toBe("Ada added you");
    expect(systemLine({ type: "MemberLeft", user_id: BOB, removed_by: null }, nameOf, ME)).toBe("Bob left");
    expect(systemLine({ type: "MemberLeft", user_id: BOB, removed_by: ME }, nameOf, ME)).toBe("You removed Bob");
    expect(systemLine({ type: "MemberRoleChanged", user_id: BOB, role: "admin", changed_by: ADA }, nameOf, ME)).toBe("Ada made Bob an admin");
    expect(systemLine({ type: "MemberRoleChanged", user_id: ME, role: "member", changed_by: ADA }, nameOf, ME)).toBe("Ada made you a member");
  });

  it("leave out the joins the room was created with, and a direct room's creation", () => {
    const [created, later] = ["2026-01-01T10:00:00.123456Z", "2026-01-01T10:05:00Z"];
    const timeline = new Timeline();
    timeline.addPage([], null, [
      { seq: 4, at: later, event: { type: "MemberJoined", user_id: BOB, role: "member", added_by: null } },
      { seq: 3, at: created, event: { type: "MemberJoined", user_id: ME, role: "member", added_by: null } },
      { seq: 2, at: created, event: { type: "MemberJoined", user_id: ADA, role: "owner", added_by: null } },
      { seq: 1, at: created, event: { type: "RoomCreated", kind: { type: "group", name: "g", visibility: "public" }, created_by: ADA } },
    ]);
    expect(timeline.hasOlder).toBe(false);
    expect(shownNotes(timeline.notes(), "group").map((note) => note.seq)).toEqual([1, 4]);
    expect(shownNotes(timeline.notes(), "direct").map((note) => note.seq)).toEqual([4]);
    // Without the creation (older history not loaded yet), every join is shown.
    expect(shownNotes(timeline.notes().slice(1), "group").map((note) => note.seq)).toEqual([2, 3, 4]);
  });
});

describe("moderation's system lines", () => {
  const at = "2026-12-15T10:00:00Z";

  it("say who banned whom and why, who lifted it, the new settings and the deletion", () => {
    expect(systemLine({ type: "MemberBanned", user_id: BOB, banned_by: ADA, reason: "spam" }, nameOf, ME)).toBe("Ada banned Bob: spam");
    expect(systemLine({ type: "MemberBanned", user_id: ME, banned_by: ADA, reason: null }, nameOf, ME)).toBe("Ada banned you");
    expect(systemLine({ type: "MemberUnbanned", user_id: BOB, unbanned_by: ME }, nameOf, ME)).toBe("You unbanned Bob");
    expect(systemLine({ type: "RoomTopicChanged", topic: "Novels", changed_by: ADA }, nameOf, ME)).toBe("Ada set the topic: Novels");
    expect(systemLine({ type: "RoomTopicChanged", topic: null, changed_by: ADA }, nameOf, ME)).toBe("Ada cleared the topic");
    expect(systemLine({ type: "RoomDescriptionChanged", description: "x", changed_by: ME }, nameOf, ME)).toBe("You changed the description");
    expect(systemLine({ type: "RoomDeleted", deleted_by: ADA }, nameOf, ME)).toBe("Ada deleted the room");
  });

  it("fold a ban's removal into the ban's line, and keep a later removal", () => {
    const notes = [
      { seq: 7, at, event: { type: "MemberBanned" as const, user_id: BOB, banned_by: ADA, reason: null } },
      { seq: 8, at, event: { type: "MemberLeft" as const, user_id: BOB, removed_by: ADA } },
      { seq: 12, at, event: { type: "MemberLeft" as const, user_id: VISITOR, removed_by: ADA } },
    ];
    expect(shownNotes(notes, "group").map((note) => note.seq)).toEqual([7, 12]);
  });
});
