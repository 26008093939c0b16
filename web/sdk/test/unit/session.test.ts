import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { CloseCode, type EventFrame } from "../../src/contract";
import { ChatApiError } from "../../src/errors";
import type { Disconnected, SessionState } from "../../src/events";
import type { HistoryFill } from "../../src/gapfill";
import { ChatSession, type SessionOptions } from "../../src/session";
import { MemoryOutboxStore, MemoryPositionStore } from "../../src/stores";
import type { GapFill } from "../../src/delivery";
import {
  FakeApi,
  FakeNetwork,
  type FakeSocket,
  OTHER,
  ROOM,
  ROOM2,
  USER,
  eventFrame,
  hello,
  message,
  posted,
  ready,
  summary,
} from "./fakes";

const GW1 = "ws://gw-1/v1/ws";
const GW2 = "ws://gw-2/v1/ws";

interface Harness {
  session: ChatSession;
  network: FakeNetwork;
  api: FakeApi;
  positions: MemoryPositionStore;
  outbox: MemoryOutboxStore;
  states: SessionState[];
  events: EventFrame[];
  disconnects: Disconnected[];
  gaps: Array<GapFill<HistoryFill>>;
}

function harness(options: Partial<SessionOptions> = {}, stores?: { positions: MemoryPositionStore; outbox: MemoryOutboxStore }): Harness {
  const network = new FakeNetwork();
  const api = new FakeApi();
  const positions = stores?.positions ?? new MemoryPositionStore();
  const outbox = stores?.outbox ?? new MemoryOutboxStore();
  const session = new ChatSession({
    url: [GW1, GW2],
    api,
    positions,
    outbox,
    webSocket: network.factory,
    random: () => 0.5,
    ...options,
  });
  const h: Harness = { session, network, api, positions, outbox, states: [], events: [], disconnects: [], gaps: [] };
  session.on("state", ({ state }) => h.states.push(state));
  session.on("event", (frame) => h.events.push(frame));
  session.on("disconnected", (info) => h.disconnects.push(info));
  session.on("gap", (gap) => h.gaps.push(gap));
  return h;
}

/** Runs timers due by now and the promise callbacks they release. */
async function flush(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Connects the session's newest socket up to `ready`. */
async function connectUpToReady(h: Harness, readyFrame = ready()): Promise<FakeSocket> {
  await flush();
  const socket = h.network.last;
  socket.open();
  socket.receive(hello());
  socket.receive(readyFrame);
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("ChatSession: the state machine", () => {
  it("goes disconnected → connecting → identifying → connected, identifying with the token and stored positions", async () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 3);
    const h = harness({}, { positions, outbox: new MemoryOutboxStore() });
    expect(h.session.state).toBe("disconnected");
    h.session.connect();
    await flush();
    expect(h.session.state).toBe("connecting");
    const socket = h.network.last;
    expect(socket.url).toBe(GW1);
    socket.open();
    socket.receive(hello({ gateway_id: "gw-1" }));
    expect(h.session.state).toBe("identifying");
    expect(socket.frames("identify")).toEqual([{ type: "identify", token: "token-1", resume: { [ROOM]: 3 } }]);
    socket.receive(ready([summary(ROOM, 5)]));
    expect(h.session.state).toBe("connected");
    expect(h.session.userId).toBe(USER);
    expect(h.session.gatewayId).toBe("gw-1");
    expect(h.states).toEqual(["connecting", "identifying", "connected"]);
  });

  it("starts a room it had no position for at ready.rooms[].last_seq", async () => {
    const h = harness();
    h.session.connect();
    await connectUpToReady(h, ready([summary(ROOM2, 12)]));
    expect(h.session.position(ROOM2)).toBe(12);
    expect(h.positions.load().get(ROOM2)).toBe(12);
  });

  it("closes for good on close(), with a normal close frame, and never reconnects", async () => {
    const h = harness();
    h.session.connect();
    const socket = await connectUpToReady(h);
    h.session.close();
    expect(socket.closedWith).toEqual({ code: 1000, reason: "bye" });
    expect(h.session.state).toBe("closed");
    await flush(120_000);
    expect(h.network.sockets).toHaveLength(1);
  });
});

describe("ChatSession: close codes (protocol.md §9)", () => {
  it("4009: reconnects at once, with a little jitter, to the other gateway, and resumes", async () => {
    const h = harness({ promptJitterMs: 1000 });
    h.session.connect();
    const first = await connectUpToReady(h);
    first.receive(eventFrame(ROOM, 1));
    first.receive({ type: "reconnect", reason: "server_draining" });
    first.serverClose(CloseCode.ServerDraining, "server_draining");
    expect(h.disconnects[0]).toMatchObject({ code: 4009, reconnectInMs: 500 });
    await flush(499);
    expect(h.network.sockets).toHaveLength(1);
    await flush(1);
    const second = h.network.last;
    expect(second.url).toBe(GW2);
    second.open();
    second.receive(hello({ gateway_id: "gw-2" }));
    expect(second.frames("identify")[0]?.resume).toEqual({ [ROOM]: 1 });
  });

  it("4008: reconnects promptly to the same gateway", async () => {
    const h = harness({ promptJitterMs: 200 });
    h.session.connect();
    const first = await connectUpToReady(h);
    first.serverClose(CloseCode.TooSlow, "too_slow_resume_required");
    expect(h.disconnects[0]?.reconnectInMs).toBeLessThanOrEqual(200);
    await flush(200);
    expect(h.network.last.url).toBe(GW1);
  });

  it("1006 and 1013: backs off exponentially with jitter, within the ceiling, rotating gateways", async () => {
    const h = harness({ backoff: { baseMs: 500, maxMs: 4000 } });
    h.session.connect();
    await flush();
    const delays: Array<number | null> = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const socket = h.network.last;
      socket.serverClose(attempt % 2 === 0 ? CloseCode.Abnormal : CloseCode.TryAgainLater);
      delays.push(h.disconnects[attempt]?.reconnectInMs ?? null);
      await flush(h.disconnects[attempt]?.reconnectInMs ?? 0);
    }
    // random() = 0.5: half of each ceiling 500, 1000, 2000, 4000, 4000, 4000.
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(h.network.sockets.map((socket) => socket.url)).toEqual([GW1, GW2, GW1, GW2, GW1, GW2, GW1]);
  });

  it("resets the backoff after a connection that lasted", async () => {
    const h = harness({ backoff: { baseMs: 500, maxMs: 30_000 } });
    h.session.connect();
    await flush();
    h.network.last.serverClose(CloseCode.Abnormal);
    await flush(250);
    h.network.last.serverClose(CloseCode.Abnormal);
    expect(h.disconnects[1]?.reconnectInMs).toBe(500);
    await flush(500);
    const socket = await connectUpToReady(h);
    await flush(10_000);
    socket.serverClose(CloseCode.Abnormal);
    expect(h.disconnects[2]?.reconnectInMs).toBe(250);
  });

  it("4001: renews the token, then identifies with the new one", async () => {
    const h = harness();
    h.session.connect();
    const first = await connectUpToReady(h);
    first.serverClose(CloseCode.AuthenticationFailed, "authentication_failed");
    await flush(1000);
    expect(h.api.renewals).toEqual(["token-1"]);
    const second = h.network.last;
    second.open();
    second.receive(hello());
    expect(second.frames("identify")[0]?.token).toBe("token-2");
    second.receive(ready());
    expect(h.session.state).toBe("connected");
  });

  it("4001 again with a fresh token: stops (closed, auth_lost)", async () => {
    const h = harness();
    const closed: string[] = [];
    h.session.on("closed", ({ reason }) => closed.push(reason));
    h.session.connect();
    await flush();
    h.network.last.open();
    h.network.last.receive(hello());
    h.network.last.serverClose(CloseCode.AuthenticationFailed);
    await flush(1000);
    h.network.last.open();
    h.network.last.receive(hello());
    h.network.last.serverClose(CloseCode.AuthenticationFailed);
    expect(h.session.state).toBe("closed");
    expect(closed).toEqual(["auth_lost"]);
    await flush(60_000);
    expect(h.network.sockets).toHaveLength(2);
  });

  it("4001 when the login is gone (refresh refused, e.g. an erased account): stops", async () => {
    const h = harness();
    h.api.renewError = new ChatApiError({ status: 401, code: "invalid_refresh_token", message: "gone" });
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.serverClose(CloseCode.AuthenticationFailed);
    await flush(1000);
    expect(h.session.state).toBe("closed");
    expect(h.network.sockets).toHaveLength(1);
  });
});

describe("ChatSession: heartbeats (protocol.md §7)", () => {
  it("pings every heartbeat interval and gives up on a socket silent for two intervals", async () => {
    const h = harness();
    h.session.connect();
    await flush();
    const socket = h.network.last;
    socket.open();
    socket.receive(hello({ heartbeat_interval_ms: 1000 }));
    socket.receive(ready());
    await flush(1000);
    expect(socket.frames("ping")).toHaveLength(1);
    socket.receive({ type: "pong", id: socket.frames("ping")[0]?.id ?? null });
    await flush(1000);
    await flush(1000);
    expect(socket.frames("ping")).toHaveLength(3);
    expect(h.session.state).toBe("connected");
    await flush(1000);
    // Nothing for more than two intervals since the pong.
    expect(socket.closedWith?.code).toBe(4000);
    expect(h.session.state).toBe("disconnected");
    expect(h.disconnects[0]).toMatchObject({ code: 4000, reason: "heartbeat_missed" });
  });

  it("gives up when hello or ready does not come in time", async () => {
    const h = harness({ connectTimeoutMs: 5000 });
    h.session.connect();
    await flush();
    h.network.last.open();
    await flush(5000);
    expect(h.disconnects[0]).toMatchObject({ code: 4000, reason: "connect_timeout" });
  });
});

describe("ChatSession: exactly-once delivery", () => {
  it("drops duplicates across a reconnect and persists each position", async () => {
    const h = harness();
    h.session.connect();
    const first = await connectUpToReady(h);
    first.receive(eventFrame(ROOM, 1));
    first.receive(eventFrame(ROOM, 2));
    first.serverClose(CloseCode.Abnormal);
    await flush(h.disconnects[0]?.reconnectInMs ?? 0);
    const second = await connectUpToReady(h);
    expect(second.frames("identify")[0]?.resume).toEqual({ [ROOM]: 2 });
    // A server replaying what we had (e.g. a lazily stored position) changes nothing.
    for (const seq of [1, 2, 3]) second.receive(eventFrame(ROOM, seq));
    expect(h.events.map((frame) => frame.seq)).toEqual([1, 2, 3]);
    expect(h.session.duplicatesDropped).toBe(2);
    expect(h.positions.load().get(ROOM)).toBe(3);
  });

  it("fills a gap from REST history before delivering the event after it", async () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 3);
    const h = harness({}, { positions, outbox: new MemoryOutboxStore() });
    h.api.lastSeq.set(ROOM, 7);
    h.api.messages.set(ROOM, [1, 2, 3, 4, 6, 7].map(message));
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.receive(eventFrame(ROOM, 7));
    socket.receive(eventFrame(ROOM, 8));
    expect(h.events).toEqual([]);
    await flush();
    expect(h.gaps).toHaveLength(1);
    expect(h.gaps[0]).toMatchObject({ roomId: ROOM, after: 3, before: 7, recovered: { complete: true } });
    expect(h.gaps[0]?.recovered.messages.map((m) => m.seq)).toEqual([4, 6]);
    expect(h.events.map((frame) => frame.seq)).toEqual([7, 8]);
  });

  it("waits for the read model before filling, and says when it did not catch up", async () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 1);
    const h = harness({ gapFillWaitMs: 2000 }, { positions, outbox: new MemoryOutboxStore() });
    h.api.lastSeq.set(ROOM, 1);
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.receive(eventFrame(ROOM, 5));
    await flush(2500);
    expect(h.gaps[0]?.recovered.complete).toBe(false);
    expect(h.events.map((frame) => frame.seq)).toEqual([5]);
  });

  it("handles resumed: not_a_member forgets the room, unknown_position takes to_seq", async () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 3);
    positions.set(ROOM2, 999);
    const h = harness({}, { positions, outbox: new MemoryOutboxStore() });
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.receive({ type: "resumed", room_id: ROOM2, recovered: false, from_seq: 999, to_seq: 12, reason: "unknown_position" });
    socket.receive(eventFrame(ROOM2, 13));
    socket.receive({ type: "resumed", room_id: ROOM, recovered: false, from_seq: 3, to_seq: 3, reason: "not_a_member" });
    expect(h.events.map((frame) => [frame.room_id, frame.seq])).toEqual([[ROOM2, 13]]);
    expect(h.positions.load()).toEqual(new Map([[ROOM2, 13]]));
  });

  it("forgets a room after the user's own MemberLeft", async () => {
    const h = harness();
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.receive(eventFrame(ROOM, 4));
    socket.receive(eventFrame(ROOM, 5, { type: "MemberLeft", user_id: USER, removed_by: null }));
    expect(h.events).toHaveLength(2);
    expect(h.session.position(ROOM)).toBeUndefined();
  });
});

describe("ChatSession: the outbox", () => {
  it("sends a post queued while disconnected once connected, and settles it on the ack", async () => {
    const h = harness();
    const { post, settled } = h.session.post(ROOM, "hello");
    expect(h.outbox.load()).toHaveLength(1);
    h.session.connect();
    const socket = await connectUpToReady(h);
    const [frame] = socket.frames("post");
    expect(frame).toMatchObject({ room_id: ROOM, body: "hello", client_msg_id: post.clientMsgId });
    socket.receive({ type: "ack", id: frame?.id ?? "", seq: 9, message_id: "m-9", changed: true });
    await expect(settled).resolves.toMatchObject({ seq: 9, messageId: "m-9", duplicate: false });
    expect(h.outbox.load()).toEqual([]);
  });

  it("resends unacknowledged posts with the same client_msg_id after a reconnect, in order", async () => {
    const h = harness();
    h.session.connect();
    const first = await connectUpToReady(h);
    const posts = ["a", "b", "c"].map((body) => h.session.post(ROOM, body));
    const sent = first.frames("post");
    expect(sent.map((frame) => frame.body)).toEqual(["a", "b", "c"]);
    first.receive({ type: "ack", id: sent[0]?.id ?? "", seq: 4, message_id: "m-4", changed: true });
    first.serverClose(CloseCode.Abnormal);
    await flush(h.disconnects[0]?.reconnectInMs ?? 0);
    const second = await connectUpToReady(h);
    const resent = second.frames("post");
    expect(resent.map((frame) => frame.client_msg_id)).toEqual([posts[1]?.post.clientMsgId, posts[2]?.post.clientMsgId]);
    expect(new Set(resent.map((frame) => frame.id)).size).toBe(2);
    // "b" had been applied before the connection broke: the server recognises the retry.
    second.receive({ type: "ack", id: resent[0]?.id ?? "", seq: 5, message_id: "m-5", changed: false });
    second.receive({ type: "ack", id: resent[1]?.id ?? "", seq: 6, message_id: "m-6", changed: true });
    await expect(posts[1]?.settled).resolves.toMatchObject({ seq: 5, duplicate: true });
    await expect(posts[2]?.settled).resolves.toMatchObject({ seq: 6, duplicate: false });
    expect(h.session.pendingPosts()).toEqual([]);
  });

  it("keeps the outbox across a reload: a new session sends the stored posts with their keys", async () => {
    const stores = { positions: new MemoryPositionStore(), outbox: new MemoryOutboxStore() };
    const before = harness({}, stores);
    before.session.connect();
    await connectUpToReady(before);
    const { post } = before.session.post(ROOM, "sent just before the reload");
    before.session.close();

    const after = harness({}, stores);
    const sent: string[] = [];
    after.session.on("sent", (receipt) => sent.push(receipt.clientMsgId));
    expect(after.session.pendingPosts()).toEqual([post]);
    after.session.connect();
    const socket = await connectUpToReady(after);
    const [frame] = socket.frames("post");
    expect(frame?.client_msg_id).toBe(post.clientMsgId);
    socket.receive({ type: "ack", id: frame?.id ?? "", seq: 3, message_id: "m-3", changed: false });
    expect(sent).toEqual([post.clientMsgId]);
    expect(stores.outbox.load()).toEqual([]);
  });

  it("settles a post by its own MessagePosted (e.g. in catch-up) and ignores the late ack", async () => {
    const h = harness();
    h.session.connect();
    const socket = await connectUpToReady(h);
    const { post, settled } = h.session.post(ROOM, "mine");
    const [frame] = socket.frames("post");
    socket.receive(eventFrame(ROOM, 4, posted(4, USER, post.clientMsgId)));
    await expect(settled).resolves.toMatchObject({ confirmedBy: "event", seq: 4 });
    socket.receive({ type: "ack", id: frame?.id ?? "", seq: 4, message_id: "m-4", changed: true });
    expect(h.session.pendingPosts()).toEqual([]);
  });

  it("retries a rate-limited post after retry_after_ms with the same key; drops one refused for good", async () => {
    const h = harness();
    const failed: string[] = [];
    h.session.on("postFailed", ({ error }) => failed.push(error.code));
    h.session.connect();
    const socket = await connectUpToReady(h);
    const limited = h.session.post(ROOM, "too fast");
    const [first] = socket.frames("post");
    socket.receive({ type: "error", id: first?.id ?? null, code: "rate_limited", message: "slow down", field: null, retry_after_ms: 300 });
    await flush(299);
    expect(socket.frames("post")).toHaveLength(1);
    await flush(1);
    const [, retry] = socket.frames("post");
    expect(retry?.client_msg_id).toBe(limited.post.clientMsgId);

    const refused = h.session.post(ROOM2, "not mine");
    const last = socket.frames("post").at(-1);
    socket.receive({ type: "error", id: last?.id ?? null, code: "not_a_member", message: "no", field: null });
    await expect(refused.settled).rejects.toMatchObject({ code: "not_a_member" });
    expect(failed).toEqual(["not_a_member"]);
  });

  it("repeats idempotent commands after a lost connection, but not an edit", async () => {
    const h = harness();
    h.session.connect();
    const first = await connectUpToReady(h);
    const marked = h.session.markRead(ROOM, 4);
    const edited = h.session.edit(ROOM, "m-1", "fixed");
    expect(first.frames("mark_read")).toHaveLength(1);
    first.serverClose(CloseCode.Abnormal);
    await expect(edited).rejects.toMatchObject({ code: "unavailable" });
    await flush(h.disconnects[0]?.reconnectInMs ?? 0);
    const second = await connectUpToReady(h);
    const [again] = second.frames("mark_read");
    expect(second.frames("edit")).toHaveLength(0);
    second.receive({ type: "ack", id: again?.id ?? "", seq: 6, message_id: null, changed: true });
    await expect(marked).resolves.toMatchObject({ seq: 6 });
  });
});

describe("ChatSession: typing and presence", () => {
  it("throttles typing to hello.typing_renew_ms, always sends typing:false", async () => {
    const h = harness();
    h.session.connect();
    await flush();
    const socket = h.network.last;
    socket.open();
    socket.receive(hello({ typing_renew_ms: 2000 }));
    socket.receive(ready());
    for (let keystroke = 0; keystroke < 10; keystroke += 1) {
      h.session.typing(ROOM);
      await flush(100);
    }
    expect(socket.frames("typing")).toEqual([{ type: "typing", id: "typing", room_id: ROOM }]);
    await flush(1000);
    h.session.typing(ROOM);
    h.session.typing(ROOM, false);
    expect(socket.frames("typing")).toEqual([
      { type: "typing", id: "typing", room_id: ROOM },
      { type: "typing", id: "typing", room_id: ROOM },
      { type: "typing", id: "typing", room_id: ROOM, typing: false },
    ]);
  });

  it("takes a refused typing frame (room not delivered yet) quietly, but reports other errors", async () => {
    const h = harness();
    const errors: unknown[] = [];
    h.session.on("error", (error) => errors.push(error));
    h.session.connect();
    const socket = await connectUpToReady(h);
    h.session.typing(ROOM);
    socket.receive({ type: "error", id: "typing", code: "not_a_member", message: "not yet", field: null });
    expect(errors).toEqual([]);
    socket.receive({ type: "error", id: null, code: "malformed_json", message: "?", field: null });
    expect(errors).toEqual([expect.objectContaining({ code: "malformed_json" })]);
  });

  it("shows others typing until false, and clears every indicator on reconnect", async () => {
    const h = harness();
    const shown: Array<[string, boolean]> = [];
    h.session.on("typing", (frame) => shown.push([frame.user_id, frame.typing]));
    h.session.connect();
    const first = await connectUpToReady(h);
    first.receive({ type: "typing", room_id: ROOM, user_id: OTHER, typing: true });
    first.receive({ type: "typing", room_id: ROOM, user_id: OTHER, typing: true });
    expect(h.session.typingUsers(ROOM)).toEqual([OTHER]);
    first.serverClose(CloseCode.ServerDraining);
    await flush(1000);
    await connectUpToReady(h);
    expect(shown).toEqual([
      [OTHER, true],
      [OTHER, false],
    ]);
    expect(h.session.typingUsers(ROOM)).toEqual([]);
  });

  it("reports away while the page is hidden, and online when it is visible again", async () => {
    const listeners: Array<() => void> = [];
    const fakeDocument = {
      visibilityState: "hidden",
      addEventListener: (_: string, listener: () => void) => listeners.push(listener),
      removeEventListener: () => undefined,
    };
    vi.stubGlobal("document", fakeDocument);
    try {
      const h = harness();
      h.session.connect();
      const socket = await connectUpToReady(h);
      expect(socket.frames("presence")).toEqual([{ type: "presence", status: "away" }]);
      fakeDocument.visibilityState = "visible";
      for (const listener of listeners) listener();
      expect(socket.frames("presence")).toEqual([
        { type: "presence", status: "away" },
        { type: "presence", status: "online" },
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("ChatSession: delivery acknowledgements (protocol.md §3 received)", () => {
  it("acknowledges what it processed, coalesced per room, after ready and again after a reconnect where the server lacks it", async () => {
    const positions = new MemoryPositionStore();
    positions.set(ROOM, 3);
    const h = harness({ ackIntervalMs: 250 }, { positions, outbox: new MemoryOutboxStore() });
    h.session.connect();
    // The server has ROOM at 3 already; ROOM2 is new to us and starts at its last_seq.
    const first = await connectUpToReady(h, ready([{ ...summary(ROOM, 3), delivered_seq: 3 }, summary(ROOM2, 7)]));
    for (const seq of [4, 5, 6]) first.receive(eventFrame(ROOM, seq));
    await flush(250);
    expect(first.frames("received")).toEqual([
      { type: "received", id: "received", room_id: ROOM, up_to_seq: 6 },
      { type: "received", id: "received", room_id: ROOM2, up_to_seq: 7 },
    ]);
    // One more event; the connection breaks before the acknowledgement goes.
    first.receive(eventFrame(ROOM, 7));
    first.serverClose(CloseCode.Abnormal);
    await flush(1000);
    const second = await connectUpToReady(h, ready([{ ...summary(ROOM, 7), delivered_seq: 6 }, { ...summary(ROOM2, 7), delivered_seq: 7 }]));
    await flush(250);
    expect(second.frames("received")).toEqual([{ type: "received", id: "received", room_id: ROOM, up_to_seq: 7 }]);
  });

  it("learns from its own receipts, forgets rooms it left, and takes not_a_member quietly", async () => {
    const h = harness({ ackIntervalMs: 250 });
    const errors: unknown[] = [];
    const receipts: string[] = [];
    h.session.on("error", (error) => errors.push(error));
    h.session.on("receipt", (frame) => receipts.push(frame.user_id));
    h.session.connect();
    const socket = await connectUpToReady(h);
    socket.receive({ type: "receipt", room_id: ROOM, user_id: USER, delivered_seq: 4, read_seq: 1 });
    socket.receive({ type: "receipt", room_id: ROOM, user_id: OTHER, delivered_seq: 9, read_seq: 1 });
    socket.receive(eventFrame(ROOM, 4));
    socket.receive(eventFrame(ROOM2, 2));
    socket.receive(eventFrame(ROOM2, 3, { type: "MemberLeft", user_id: USER, removed_by: null }));
    await flush(250);
    expect(socket.frames("received")).toEqual([]);
    expect(receipts).toEqual([USER, OTHER]);
    socket.receive({ type: "error", id: "received", code: "not_a_member", message: "left", field: null });
    expect(errors).toEqual([]);
  });
});
