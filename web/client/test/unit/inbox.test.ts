import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ChatApiError, type EventFrame, type InboxConversation, type InboxFilter, type PresenceEntry, type RoomEvent } from "../../../sdk/src/index";
import { Inbox, type InboxApi, type InboxSource, applyToConversation, identifiedAs, matchesFilter, mergeRead } from "../../src/model/inbox";
import { affectsInbox, waitsFor } from "../../src/model/inbox-sync";

const ME = "me";
const ADA = "ada";
const VISITOR = "visitor";

function conversation(roomId: string, patch: Partial<InboxConversation> = {}): InboxConversation {
  return {
    room_id: roomId,
    visitor_id: VISITOR,
    visitor_name: "Visitor 3F9A",
    visitor_email: null,
    visitor_external_id: null,
    visitor_presence: "online",
    status: "open",
    assignee_id: null,
    joined: true,
    unread_count: 0,
    last_seq: 5,
    last_message_preview: null,
    last_message_author: null,
    last_message_at: null,
    page_url: "https://shop.example/cart",
    referrer: null,
    language: "de-DE",
    user_agent: null,
    created_at: "2026-12-07T15:00:00Z",
    last_activity_at: "2026-12-07T15:00:00Z",
    ...patch,
  };
}

function frame(roomId: string, seq: number, event: RoomEvent, at = "2026-12-07T16:00:00Z"): EventFrame {
  return { type: "event", room_id: roomId, seq, event, event_version: "1.0", actor: null, at };
}

function posted(roomId: string, seq: number, author: string, body: string): EventFrame {
  return frame(roomId, seq, { type: "MessagePosted", message_id: `m${seq}`, author, body, client_msg_id: `c${seq}`, reply_to: null, mentions: [], attachments: [] });
}

describe("the inbox's filters", () => {
  it("sort open conversations into mine and unassigned, and keep resolved apart", () => {
    const open = conversation("a");
    const mine = conversation("b", { assignee_id: ME });
    const ada = conversation("c", { assignee_id: ADA });
    const resolved = conversation("d", { status: "resolved", assignee_id: ME });
    const all = [open, mine, ada, resolved];
    const ids = (filter: InboxFilter) => all.filter((entry) => matchesFilter(entry, filter, ME)).map((entry) => entry.room_id);
    expect(ids("open")).toEqual(["a", "b", "c"]);
    expect(ids("mine")).toEqual(["b"]);
    expect(ids("unassigned")).toEqual(["a"]);
    expect(ids("resolved")).toEqual(["d"]);
  });

  it("count as waiting the open ones nobody has, and the user's own with unread messages", () => {
    expect(waitsFor(conversation("a"), ME)).toBe(true);
    expect(waitsFor(conversation("b", { assignee_id: ME }), ME)).toBe(false);
    expect(waitsFor(conversation("b", { assignee_id: ME, unread_count: 2 }), ME)).toBe(true);
    expect(waitsFor(conversation("c", { assignee_id: ADA, unread_count: 2 }), ME)).toBe(false);
    expect(waitsFor(conversation("d", { status: "resolved" }), ME)).toBe(false);
  });
});

describe("a conversation's visitor", () => {
  it("is verified once the website vouched for who they are, and says as whom", () => {
    expect(identifiedAs(conversation("a"))).toBeNull();
    expect(identifiedAs(conversation("a", { visitor_external_id: "user-42" }))).toBe("Identified by the website as user-42");
  });
});

describe("a conversation between two reads", () => {
  it("takes a new message: preview, time, and an unread one unless the user wrote it or looks at it", () => {
    const before = conversation("a");
    const after = applyToConversation(before, posted("a", 6, VISITOR, "Where is my order?"), ME, false);
    expect(after).toMatchObject({
      last_seq: 6,
      last_message_preview: "Where is my order?",
      last_message_author: VISITOR,
      last_message_at: "2026-12-07T16:00:00Z",
      last_activity_at: "2026-12-07T16:00:00Z",
      unread_count: 1,
    });
    expect(applyToConversation(before, posted("a", 6, VISITOR, "hi"), ME, true).unread_count).toBe(0);
    expect(applyToConversation(before, posted("a", 6, ME, "hi"), ME, false).unread_count).toBe(0);
    expect(applyToConversation(conversation("a", { joined: false }), posted("a", 6, VISITOR, "hi"), ME, false).unread_count).toBe(0);
  });

  it("ignores an event it already includes", () => {
    const read = conversation("a", { last_seq: 6, unread_count: 1 });
    expect(applyToConversation(read, posted("a", 6, VISITOR, "hi"), ME, false)).toBe(read);
  });

  it("follows assignments, resolutions, reopenings, joins and the user's read marker", () => {
    let entry = conversation("a", { unread_count: 2, joined: false });
    entry = applyToConversation(entry, frame("a", 6, { type: "MemberJoined", user_id: ME, role: "admin", added_by: null }), ME, false);
    expect(entry.joined).toBe(true);
    entry = applyToConversation(entry, frame("a", 7, { type: "ConversationAssigned", assignee: ME, assigned_by: ME }), ME, false);
    expect(matchesFilter(entry, "mine", ME)).toBe(true);
    entry = applyToConversation(entry, frame("a", 8, { type: "ReadMarkerMoved", user_id: VISITOR, up_to_seq: 7 }), ME, false);
    expect(entry.unread_count).toBe(2);
    entry = applyToConversation(entry, frame("a", 9, { type: "ReadMarkerMoved", user_id: ME, up_to_seq: 8 }), ME, false);
    expect(entry.unread_count).toBe(0);
    entry = applyToConversation(entry, frame("a", 10, { type: "ConversationResolved", resolved_by: ME }), ME, false);
    expect(matchesFilter(entry, "resolved", ME)).toBe(true);
    entry = applyToConversation(entry, frame("a", 11, { type: "ConversationReopened", reopened_by: VISITOR }), ME, false);
    expect(matchesFilter(entry, "mine", ME)).toBe(true);
    entry = applyToConversation(entry, frame("a", 12, { type: "ConversationAssigned", assignee: null, assigned_by: ADA }), ME, false);
    expect(matchesFilter(entry, "unassigned", ME)).toBe(true);
  });

  it("leaves reactions and the visitor's read marker to the next event, and rereads for the rest", () => {
    expect(affectsInbox(frame("a", 6, { type: "ReactionAdded", message_id: "m", user_id: ADA, reaction: "👍" }), ME)).toBe(false);
    expect(affectsInbox(frame("a", 6, { type: "ReadMarkerMoved", user_id: VISITOR, up_to_seq: 5 }), ME)).toBe(false);
    expect(affectsInbox(frame("a", 6, { type: "ReadMarkerMoved", user_id: ME, up_to_seq: 5 }), ME)).toBe(true);
    expect(affectsInbox(posted("a", 6, VISITOR, "hi"), ME)).toBe(true);
    expect(affectsInbox(frame("a", 6, { type: "ConversationResolved", resolved_by: ADA }), ME)).toBe(true);
  });
});

describe("a read merged into what is known", () => {
  const unchanged = { complete: true, changedSince: () => false };

  it("takes what the read shows unless live events went further", () => {
    const known = new Map([
      ["a", conversation("a", { last_seq: 9, status: "resolved" })],
      ["b", conversation("b", { last_seq: 5 })],
    ]);
    const read = [conversation("a", { last_seq: 8 }), conversation("b", { last_seq: 7, assignee_id: ADA }), conversation("c")];
    const merged = mergeRead(known, read, "open", ME, unchanged);
    expect(merged.get("a")?.status).toBe("resolved");
    expect(merged.get("b")?.assignee_id).toBe(ADA);
    expect([...merged.keys()].sort()).toEqual(["a", "b", "c"]);
  });

  it("forgets one of the filter a complete read no longer lists, unless it changed meanwhile or the read is partial", () => {
    const known = new Map([
      ["gone", conversation("gone")],
      ["resolved", conversation("resolved", { status: "resolved" })],
      ["live", conversation("live")],
    ]);
    const merged = mergeRead(known, [], "open", ME, { complete: true, changedSince: (roomId) => roomId === "live" });
    expect([...merged.keys()].sort()).toEqual(["live", "resolved"]);
    expect([...mergeRead(known, [], "open", ME, { complete: false, changedSince: () => false }).keys()]).toHaveLength(3);
  });
});

/** The server's inbox: what each filter answers now. */
function fakeServer() {
  let conversations: InboxConversation[] = [];
  const reads: Array<string | undefined> = [];
  const commands: string[] = [];
  const api: InboxApi = {
    inbox: async (_websiteId, options = {}) => {
      reads.push(options.status);
      return conversations.filter((entry) => matchesFilter(entry, options.status ?? "open", ME));
    },
    assign: async (roomId, userId) => {
      commands.push(`assign ${roomId} ${userId ?? "nobody"}`);
      if (userId === "stranger") throw new ChatApiError({ status: 422, code: "target_not_a_member", message: "not an agent" });
      return { seq: 1, changed: true };
    },
    resolve: async (roomId) => {
      commands.push(`resolve ${roomId}`);
      return { seq: 1, changed: true };
    },
    reopen: async (roomId) => {
      commands.push(`reopen ${roomId}`);
      return { seq: 1, changed: true };
    },
    joinRoom: async (roomId) => {
      commands.push(`join ${roomId}`);
      // The room's sequence after the join (its MemberJoined), above what the inbox read.
      return { seq: 9, changed: true };
    },
    room: async () => {
      throw new Error("not used");
    },
  };
  return {
    api,
    reads,
    commands,
    set(next: InboxConversation[]) {
      conversations = next;
    },
  };
}

/** The session as the inbox sees it. */
function fakeSource() {
  const events = new Set<(frame: EventFrame) => void>();
  const presence = new Set<(entries: readonly PresenceEntry[]) => void>();
  const source: InboxSource = {
    onSupportEvent: (listener) => {
      events.add(listener);
      return () => events.delete(listener);
    },
    onPresence: (listener) => {
      presence.add(listener);
      return () => presence.delete(listener);
    },
    isViewed: () => false,
  };
  return {
    source,
    emit: (event: EventFrame) => events.forEach((listener) => listener(event)),
    present: (entries: PresenceEntry[]) => presence.forEach((listener) => listener(entries)),
  };
}

describe("Inbox", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reads the open list, and counts Open, Mine and Unassigned from it", async () => {
    const server = fakeServer();
    server.set([conversation("a"), conversation("b", { assignee_id: ME }), conversation("c", { status: "resolved" })]);
    const inbox = new Inbox(server.api, "w", ME);
    const { source } = fakeSource();
    inbox.start(source);
    expect(inbox.loaded()).toBe(false);
    await vi.runAllTimersAsync();
    expect(inbox.loaded()).toBe(true);
    expect(inbox.list().map((entry) => entry.room_id)).toEqual(["b", "a"]);
    expect([inbox.count("open"), inbox.count("mine"), inbox.count("unassigned"), inbox.count("resolved")]).toEqual([2, 1, 1, null]);
    expect(server.reads).toEqual(["open"]);
    inbox.setFilter("resolved");
    await vi.runAllTimersAsync();
    expect(inbox.list().map((entry) => entry.room_id)).toEqual(["c"]);
    expect(inbox.count("resolved")).toBe(1);
  });

  it("shows a new conversation once its events come and the read shows it, reading again while it does not", async () => {
    const server = fakeServer();
    const inbox = new Inbox(server.api, "w", ME, { debounceMs: 100 });
    const { source, emit } = fakeSource();
    inbox.start(source);
    await vi.runAllTimersAsync();
    expect(inbox.list()).toEqual([]);
    // Its first events; the read model does not have it yet.
    emit(frame("new", 3, { type: "MemberJoined", user_id: ME, role: "admin", added_by: null }));
    emit(posted("new", 5, VISITOR, "Hello?"));
    await vi.advanceTimersByTimeAsync(100);
    expect(server.reads).toEqual(["open", "open"]);
    expect(inbox.list()).toEqual([]);
    server.set([conversation("new", { last_seq: 5, unread_count: 1, last_message_preview: "Hello?" })]);
    await vi.advanceTimersByTimeAsync(200);
    expect(inbox.list().map((entry) => [entry.room_id, entry.unread_count, entry.last_message_preview])).toEqual([["new", 1, "Hello?"]]);
    // Found: no more reads until the next event.
    await vi.runAllTimersAsync();
    expect(server.reads).toHaveLength(3);
  });

  it("moves a conversation between filters at once on its events, and the next read agrees", async () => {
    const server = fakeServer();
    server.set([conversation("a")]);
    const inbox = new Inbox(server.api, "w", ME, { debounceMs: 100 });
    const { source, emit, present } = fakeSource();
    inbox.start(source);
    await vi.runAllTimersAsync();
    emit(frame("a", 6, { type: "ConversationAssigned", assignee: ME, assigned_by: ME }));
    expect(inbox.list("mine").map((entry) => entry.room_id)).toEqual(["a"]);
    expect(inbox.count("unassigned")).toBe(0);
    // The read trails: it cannot undo what the event showed.
    await vi.advanceTimersByTimeAsync(100);
    expect(inbox.list("mine").map((entry) => entry.room_id)).toEqual(["a"]);
    emit(frame("a", 7, { type: "ConversationResolved", resolved_by: ME }));
    expect(inbox.list("open")).toEqual([]);
    expect(inbox.list("resolved").map((entry) => entry.room_id)).toEqual(["a"]);
    present([{ user_id: VISITOR, status: "away", since: "2026-12-07T16:00:00Z" }]);
    expect(inbox.get("a")?.visitor_presence).toBe("away");
  });

  it("forgets a conversation that left the open list unseen (another agent resolved it, the user not in it)", async () => {
    const server = fakeServer();
    server.set([conversation("a", { joined: false })]);
    const inbox = new Inbox(server.api, "w", ME);
    const { source } = fakeSource();
    inbox.start(source);
    await vi.runAllTimersAsync();
    expect(inbox.list()).toHaveLength(1);
    server.set([conversation("a", { joined: false, status: "resolved", last_seq: 6 })]);
    inbox.refresh();
    await vi.runAllTimersAsync();
    expect(inbox.list()).toEqual([]);
  });

  it("reads the resolved list too for a conversation opened by its address", async () => {
    const server = fakeServer();
    server.set([conversation("old", { status: "resolved" })]);
    const inbox = new Inbox(server.api, "w", ME);
    const { source } = fakeSource();
    inbox.want("old");
    inbox.start(source);
    await vi.runAllTimersAsync();
    expect(server.reads).toEqual(["open", "resolved"]);
    expect(inbox.get("old")?.status).toBe("resolved");
    inbox.want("nowhere");
    await vi.runAllTimersAsync();
    expect(inbox.missing("nowhere")).toBe(true);
  });

  it("sends the commands, and says why one was refused", async () => {
    const server = fakeServer();
    server.set([conversation("a")]);
    const inbox = new Inbox(server.api, "w", ME);
    const { source } = fakeSource();
    inbox.start(source);
    await vi.runAllTimersAsync();
    await expect(inbox.assign("a", ME)).resolves.toEqual({ ok: true, value: true });
    await expect(inbox.assign("a", "stranger")).resolves.toEqual({ ok: false, problem: "Only an agent of this website can take the conversation." });
    await inbox.resolve("a");
    await inbox.reopen("a");
    expect(server.commands).toEqual(["assign a me", "assign a stranger", "resolve a", "reopen a"]);
  });
});

describe("Inbox: an agent not in the conversation", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("joins it before taking it, once the read model shows them in it", async () => {
    const server = fakeServer();
    server.set([conversation("a", { joined: false })]);
    let detailReads = 0;
    server.api.room = async (roomId) => {
      detailReads += 1;
      if (detailReads < 3) throw new ChatApiError({ status: 403, code: "not_a_member", message: "not a member" });
      return {
        room_id: roomId,
        kind: "support",
        name: null,
        visibility: null,
        topic: null,
        description: null,
        role: "admin",
        member_count: 3,
        message_count: 1,
        last_seq: 9,
        last_read_seq: 9,
        delivered_seq: 9,
        unread_count: 0,
        unread_mentions: 0,
        last_message: null,
        created_at: "2026-12-07T15:00:00Z",
        last_activity_at: "2026-12-07T15:00:00Z",
        members: [],
      };
    };
    const inbox = new Inbox(server.api, "w", ME);
    const { source } = fakeSource();
    inbox.start(source);
    await vi.runAllTimersAsync();
    const taken = inbox.take("a");
    await vi.runAllTimersAsync();
    expect(await taken).toEqual({ ok: true, value: true });
    expect(server.commands).toEqual(["join a", "assign a me"]);
    expect(detailReads).toBe(3);
    expect(inbox.get("a")?.joined).toBe(true);
  });
});
