import { describe, expect, it } from "vitest";

import type { Attachment, EventFrame, MessageView, RoomEvent } from "../../../sdk/src/index";
import { Timeline } from "../../src/model/timeline";

const ALICE = "a1";
const BOB = "b2";

function frame(seq: number, event: RoomEvent): EventFrame {
  return { type: "event", room_id: "r", seq, event, event_version: "1.0", actor: null, at: "2026-01-01T00:00:00Z" };
}

function posted(seq: number, id: string, body: string): EventFrame {
  return frame(seq, { type: "MessagePosted", message_id: id, author: ALICE, body, client_msg_id: `c-${id}`, reply_to: null, mentions: [], attachments: [] });
}

function view(seq: number, id: string, body: string, updatedSeq = seq): MessageView {
  return {
    message_id: id,
    seq,
    author_id: ALICE,
    client_msg_id: `c-${id}`,
    body,
    reply_to: null,
    created_at: "2026-01-01T00:00:00Z",
    edited_at: updatedSeq > seq ? "2026-01-01T00:00:01Z" : null,
    deleted_at: null,
    updated_seq: updatedSeq,
    reactions: [],
    kind: "text",
    attachments: [],
  };
}

describe("Timeline", () => {
  it("merges a history page and live events by message id, in seq order", () => {
    const timeline = new Timeline();
    timeline.apply(posted(5, "m5", "live"));
    timeline.addPage([view(4, "m4", "four"), view(3, "m3", "three")], 3);
    timeline.apply(posted(4, "m4", "four"));
    expect(timeline.messages().map((message) => message.body)).toEqual(["three", "four", "live"]);
    expect(timeline.loaded).toBe(true);
    expect(timeline.hasOlder).toBe(true);
    expect(timeline.hasPost("c-m5")).toBe(true);
  });

  it("keeps a live edit when a page that trails it arrives", () => {
    const timeline = new Timeline();
    timeline.apply(posted(3, "m3", "first"));
    timeline.apply(frame(4, { type: "MessageEdited", message_id: "m3", body: "second", edited_by: ALICE }));
    timeline.addPage([view(3, "m3", "first")], null);
    const [message] = timeline.messages();
    expect(message).toMatchObject({ body: "second", edited: true, updatedSeq: 4 });
    expect(timeline.hasOlder).toBe(false);
  });

  it("applies deletes and reactions", () => {
    const timeline = new Timeline();
    timeline.apply(posted(3, "m3", "hello"));
    timeline.apply(frame(4, { type: "ReactionAdded", message_id: "m3", user_id: BOB, reaction: "👍" }));
    timeline.apply(frame(5, { type: "ReactionAdded", message_id: "m3", user_id: ALICE, reaction: "👍" }));
    timeline.apply(frame(6, { type: "ReactionRemoved", message_id: "m3", user_id: BOB, reaction: "👍" }));
    expect(timeline.get("m3")?.reactions).toEqual(new Map([["👍", [ALICE]]]));
    timeline.apply(frame(7, { type: "MessageDeleted", message_id: "m3", deleted_by: ALICE }));
    expect(timeline.get("m3")).toMatchObject({ body: null, deleted: true });
  });

  it("keeps a post's files from history and live events, and drops them when it is deleted", () => {
    const file: Attachment = { id: "f1", name: "dot.png", mime: "image/png", size: 80, sha256: "ab", width: 8, height: 6, thumbnail: true };
    const timeline = new Timeline();
    timeline.addPage([{ ...view(3, "m3", "old"), kind: "image", attachments: [file] }], null);
    const live = posted(4, "m4", "");
    if (live.event.type === "MessagePosted") live.event.attachments = [file];
    timeline.apply(live);
    expect(timeline.messages().map((message) => message.attachments)).toEqual([[file], [file]]);
    timeline.apply(frame(5, { type: "MessageDeleted", message_id: "m4", deleted_by: ALICE }));
    expect(timeline.get("m4")?.attachments).toEqual([]);
  });

  it("ignores an event it has already applied", () => {
    const timeline = new Timeline();
    timeline.apply(posted(3, "m3", "hello"));
    const edit = frame(4, { type: "MessageEdited", message_id: "m3", body: "edited", edited_by: ALICE });
    expect(timeline.apply(edit)).toBe(true);
    expect(timeline.apply(edit)).toBe(false);
  });
});
