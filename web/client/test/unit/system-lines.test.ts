import { describe, expect, it } from "vitest";

import { systemLine } from "../../src/model/system-lines";
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
