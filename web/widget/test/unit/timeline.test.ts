import { describe, expect, it } from "vitest";

import type { EventFrame, MessageView, RoomEvent } from "../../../sdk/src/contract";
import type { MessageStatus } from "../../../sdk/src/status";
import type { PendingPost } from "../../../sdk/src/stores";
import { Timeline } from "../../src/app/timeline";

const ROOM = "01a205fc-0000-7000-8000-000000000001";
const ME = "01a205fc-0000-7000-8000-0000000000aa";
const AGENT = "01a205fc-0000-7000-8000-0000000000bb";

function frame(seq: number, event: RoomEvent): EventFrame {
  return { type: "event", room_id: ROOM, seq, event, event_version: "1.0", actor: null, at: `2026-12-07T15:00:${String(seq).padStart(2, "0")}Z` };
}

function posted(seq: number, author: string, body: string, id = `m${seq}`): EventFrame {
  return frame(seq, { type: "MessagePosted", message_id: id, author, body, client_msg_id: `c${seq}`, reply_to: null, mentions: [], attachments: [] });
}

function view(seq: number, author: string, body: string): MessageView {
  return {
    message_id: `m${seq}`,
    seq,
    author_id: author,
    client_msg_id: `c${seq}`,
    body,
    reply_to: null,
    created_at: "2026-12-07T15:00:00Z",
    edited_at: null,
    deleted_at: null,
    updated_seq: seq,
    reactions: [],
    kind: "text",
    attachments: [],
  };
}

function pending(clientMsgId: string, body: string): PendingPost {
  return { clientMsgId, roomId: ROOM, body, replyTo: null, mentions: [], attachments: [], queuedAt: "2026-12-07T15:01:00Z", ordinal: 1 };
}

/** Every message of the visitor just sent (the markers are the conversation's, not the timeline's). */
const sent = (): MessageStatus => "sent";

const bodies = (timeline: Timeline) =>
  timeline.lines([], [], sent).map((line) => (line.kind === "message" ? line.body : `[${line.system}]`));

describe("a conversation's timeline", () => {
  it("shows each message once, from history or from events, in sequence order", () => {
    const timeline = new Timeline(ME);
    expect(timeline.apply(posted(6, AGENT, "second"))).not.toBeNull();
    timeline.addHistory([view(6, AGENT, "second"), view(5, ME, "first")]);
    expect(timeline.apply(posted(5, ME, "first"))).toBeNull();
    expect(bodies(timeline)).toEqual(["first", "second"]);
  });

  it("answers an agent's new message, but not the visitor's own or one already read", () => {
    const timeline = new Timeline(ME);
    timeline.read(7);
    expect(timeline.apply(posted(6, AGENT, "old"))).toBeNull();
    expect(timeline.apply(posted(8, ME, "mine"))).toBeNull();
    expect(timeline.apply(posted(9, AGENT, "new"))).toMatchObject({ body: "new", author: AGENT, seq: 9 });
    expect(timeline.apply(posted(9, AGENT, "new"))).toBeNull();
  });

  it("counts the agents' messages after the visitor's read marker", () => {
    const timeline = new Timeline(ME);
    timeline.addHistory([view(4, ME, "hello"), view(5, AGENT, "hi"), view(6, AGENT, "how can I help?")]);
    expect(timeline.unread()).toBe(2);
    expect(timeline.latestAgentSeq()).toBe(6);
    timeline.apply(frame(7, { type: "ReadMarkerMoved", user_id: ME, up_to_seq: 5 }));
    expect(timeline.unread()).toBe(1);
    timeline.apply(frame(8, { type: "ReadMarkerMoved", user_id: ME, up_to_seq: 3 }));
    expect(timeline.myRead).toBe(5);
  });

  it("asks for the status of the visitor's own messages only, by their sequence", () => {
    const timeline = new Timeline(ME);
    timeline.addHistory([view(4, ME, "one"), view(5, AGENT, "hi"), view(6, ME, "two")]);
    const asked: number[] = [];
    const lines = timeline.lines([], [], (seq) => {
      asked.push(seq);
      return seq <= 4 ? "read" : "delivered";
    });
    expect(lines.map((line) => (line.kind === "message" ? line.delivery : null))).toEqual(["read", null, "delivered"]);
    expect(asked.sort()).toEqual([4, 6]);
    // An agent's read marker is not the visitor's.
    timeline.apply(frame(7, { type: "ReadMarkerMoved", user_id: AGENT, up_to_seq: 6 }));
    expect(timeline.myRead).toBe(0);
  });

  it("shows posts on their way after the rest, until their own event arrives", () => {
    const timeline = new Timeline(ME);
    timeline.addHistory([view(4, AGENT, "hi")]);
    const lines = timeline.lines([pending("c5", "on its way")], [{ clientMsgId: "c9", body: "refused", queuedAt: "2026-12-07T15:02:00Z" }], sent);
    expect(lines.map((line) => (line.kind === "message" ? [line.body, line.delivery] : null))).toEqual([
      ["hi", null],
      ["on its way", "sending"],
      ["refused", "failed"],
    ]);
    timeline.apply(posted(5, ME, "on its way"));
    expect(timeline.lines([pending("c5", "on its way")], [], sent).map((line) => (line.kind === "message" ? line.delivery : null))).toEqual([null, "sent"]);
  });

  it("keeps an acknowledged post on screen until its event or the history takes its place", () => {
    const timeline = new Timeline(ME);
    const post = pending("c5", "on its way");
    timeline.acknowledged({ messageId: "m5", seq: 5, clientMsgId: "c5" }, post);
    // The outbox no longer has it: it shows once, sent, at its place.
    timeline.addHistory([view(6, AGENT, "hi")]);
    expect(timeline.lines([], [], sent).map((line) => (line.kind === "message" ? [line.body, line.delivery, line.at] : null))).toEqual([
      ["on its way", "sent", post.queuedAt],
      ["hi", null, "2026-12-07T15:00:00Z"],
    ]);
    // Its event brings the server's time; the visitor's own message is never news.
    expect(timeline.apply({ ...posted(5, ME, "on its way", "m5"), at: "2026-12-07T15:00:30Z" })).toBeNull();
    expect(timeline.lines([], [], sent)[0]).toMatchObject({ key: "m5", at: "2026-12-07T15:00:30Z" });
    timeline.acknowledged({ messageId: "m5", seq: 5, clientMsgId: "c5" }, post);
    expect(timeline.lines([], [], sent)[0]).toMatchObject({ at: "2026-12-07T15:00:30Z" });
  });

  it("follows edits and deletions, newer states winning", () => {
    const timeline = new Timeline(ME);
    timeline.apply(posted(5, AGENT, "helo"));
    timeline.apply(frame(6, { type: "MessageEdited", message_id: "m5", body: "hello", edited_by: AGENT }));
    timeline.addHistory([view(5, AGENT, "helo")]);
    expect(timeline.lines([], [], sent)[0]).toMatchObject({ body: "hello", edited: true });
    timeline.apply(frame(7, { type: "MessageDeleted", message_id: "m5", deleted_by: AGENT }));
    expect(timeline.lines([], [], sent)[0]).toMatchObject({ body: null });
    expect(timeline.unread()).toBe(0);
  });

  it("shows assignment to someone, resolving and reopening as system lines", () => {
    const timeline = new Timeline(ME);
    timeline.apply(posted(4, ME, "help"));
    timeline.apply(frame(5, { type: "ConversationAssigned", assignee: AGENT, assigned_by: AGENT }));
    timeline.apply(frame(6, { type: "ConversationAssigned", assignee: null, assigned_by: AGENT }));
    timeline.apply(frame(7, { type: "ConversationResolved", resolved_by: AGENT }));
    timeline.apply(frame(8, { type: "ConversationReopened", reopened_by: ME }));
    timeline.apply(frame(9, { type: "VisitorContextRecorded", visitor: ME, page_url: null, referrer: null, language: null, user_agent: null }));
    expect(bodies(timeline)).toEqual(["help", "[assigned]", "[resolved]", "[reopened]"]);
  });
});
