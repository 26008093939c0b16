/**
 * The visitor's live conversation (`LiveConversation`) over a fake socket and a fake REST API:
 * the ticks of the visitor's messages, from the outbox to an agent's device and eyes.
 */

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { MemberMarkers } from "../../../sdk/src/status";
import { ChatApi } from "../../../sdk/src/rest";
import { VisitorApi } from "../../../sdk/src/visitor";
import { type FakeSocket, FakeNetwork, MapStorage, eventFrame, fakeFetch, hello, json, posted, ready, summary } from "../../../sdk/test/unit/fakes";
import { LiveConversation } from "../../src/app/conversation";
import type { Delivery } from "../../src/app/timeline";

const ROOM = "01a205fc-0000-7000-8000-000000000001";
const SITE = "01a205fc-0000-7000-8000-00000000005e";
const VISITOR = "01a205fc-0000-7000-8000-0000000000aa";
const ANN = "01a205fc-0000-7000-8000-0000000000bb";
const BOB = "01a205fc-0000-7000-8000-0000000000cc";
const GATEWAY = "ws://gw/v1/ws";

interface Harness {
  conversation: LiveConversation;
  network: FakeNetwork;
  /** What `GET …/receipts` answers now, and how often it was asked. */
  receipts: MemberMarkers[];
  receiptReads: () => number;
}

/**
 * `started`: a conversation the visitor just started, else one they come back to; `gate`: the
 * reads of the receipts answer once it resolves.
 */
function harness(started: boolean, gate: Promise<void> = Promise.resolve()): Harness {
  const h = {
    receipts: [
      { user_id: VISITOR, delivered_seq: 2, last_read_seq: 2 },
      { user_id: ANN, delivered_seq: 1, last_read_seq: 1 },
      { user_id: BOB, delivered_seq: 1, last_read_seq: 1 },
    ],
  } as Harness;
  const { fetch, calls } = fakeFetch(async (call) => {
    if (call.url.endsWith(`/v1/rooms/${ROOM}/receipts`)) {
      const answer = json(200, { receipts: h.receipts });
      await gate;
      return answer;
    }
    if (call.url.includes(`/v1/rooms/${ROOM}/messages`)) return json(200, { messages: [], next_before: null, system: [] });
    return json(404, { error: { code: "room_not_found", message: "no" } });
  });
  h.receiptReads = () => calls.filter((call) => call.url.endsWith("/receipts")).length;
  const credentials = { userId: VISITOR, token: "t-1", expiresAt: "2999-01-01T00:00:00Z", refreshToken: null, refreshExpiresAt: null };
  const chat = new ChatApi({ baseUrl: "http://api", fetch, credentials });
  h.network = new FakeNetwork();
  h.conversation = new LiveConversation({
    roomId: ROOM,
    websiteId: SITE,
    chat,
    visitorApi: new VisitorApi({ baseUrl: "http://api", fetch, auth: chat }),
    storage: new MapStorage(),
    namespace: "chat:widget:test",
    gateways: [GATEWAY],
    webSocket: h.network.factory,
    started,
    changed: () => undefined,
    agentMessage: () => undefined,
    lost: () => undefined,
  });
  return h;
}

async function flush(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

async function connect(h: Harness, lastSeq: number): Promise<FakeSocket> {
  await flush();
  const socket = h.network.last;
  socket.open();
  socket.receive(hello());
  await flush();
  socket.receive(ready([{ ...summary(ROOM, lastSeq), kind: "support" }], VISITOR));
  await flush();
  return socket;
}

/** The conversation's start as the gateway replays it to a new conversation: the members' joins. */
function joins(socket: FakeSocket): void {
  [VISITOR, ANN, BOB].forEach((user_id, index) =>
    socket.receive(eventFrame(ROOM, index + 1, { type: "MemberJoined", user_id, role: user_id === VISITOR ? "member" : "admin", added_by: null })),
  );
}

function ticks(conversation: LiveConversation): Array<[string | null, Delivery | null]> {
  return conversation.lines().flatMap((line) => (line.kind === "message" ? [[line.body, line.delivery] as [string | null, Delivery | null]] : []));
}

/** The visitor posts `body` and the server acknowledges it at `seq`. */
async function post(h: Harness, socket: FakeSocket, body: string, seq: number): Promise<void> {
  h.conversation.post(body);
  await flush();
  const frame = socket.frames("post").at(-1);
  expect(ticks(h.conversation).at(-1)).toEqual([body, "sending"]);
  socket.receive({ type: "ack", id: frame?.id ?? "", seq, message_id: `m-${seq}`, changed: true });
  await flush();
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the visitor's ticks", () => {
  it("go sending → sent → delivered (one agent's device) → read (one agent), each once", async () => {
    const h = harness(true);
    const socket = await connect(h, 0);
    // A new conversation is read from its start: its members are known from their joins.
    expect(socket.frames("identify")[0]?.resume).toEqual({ [ROOM]: 0 });
    joins(socket);
    await flush();
    expect(h.receiptReads()).toBe(0);
    await post(h, socket, "Where is my order?", 4);
    // Sent from the ack, before the message's own event arrives; and after it.
    expect(ticks(h.conversation)).toEqual([["Where is my order?", "sent"]]);
    const event = posted(4, VISITOR);
    if (event.type === "MessagePosted") socket.receive(eventFrame(ROOM, 4, { ...event, message_id: "m-4", body: "Where is my order?" }));
    await flush();
    expect(ticks(h.conversation)).toEqual([["Where is my order?", "sent"]]);

    // One agent's device received it: enough, any agent will answer.
    socket.receive({ type: "receipt", room_id: ROOM, user_id: BOB, delivered_seq: 4, read_seq: 3 });
    await flush();
    expect(ticks(h.conversation)).toEqual([["Where is my order?", "delivered"]]);
    // Another conversation's receipt changes nothing here.
    socket.receive({ type: "receipt", room_id: "elsewhere", user_id: ANN, delivered_seq: 9, read_seq: 9 });

    // An agent reads it; the next message is only sent.
    socket.receive(eventFrame(ROOM, 5, { type: "ReadMarkerMoved", user_id: ANN, up_to_seq: 4 }));
    await flush();
    await post(h, socket, "Hello?", 6);
    expect(ticks(h.conversation)).toEqual([
      ["Where is my order?", "read"],
      ["Hello?", "sent"],
    ]);
    expect(h.receiptReads()).toBe(0);
  });

  it("take an agent's receipt that came before their join was replayed", async () => {
    const h = harness(true);
    const socket = await connect(h, 0);
    await post(h, socket, "Hi", 4);
    socket.receive({ type: "receipt", room_id: ROOM, user_id: ANN, delivered_seq: 4, read_seq: 2 });
    await flush();
    expect(ticks(h.conversation)).toEqual([["Hi", "sent"]]);
    joins(socket);
    await flush();
    expect(ticks(h.conversation)).toEqual([["Hi", "delivered"]]);
  });

  it("take a receipt that came while a returning visitor's receipts were on their way", async () => {
    let answer = () => undefined as void;
    const h = harness(false, new Promise<void>((resolve) => (answer = resolve)));
    const socket = await connect(h, 2);
    expect(h.receiptReads()).toBe(1);
    await post(h, socket, "Hi", 3);
    // No member known yet: the message is for no one so far.
    socket.receive({ type: "receipt", room_id: ROOM, user_id: ANN, delivered_seq: 3, read_seq: 1 });
    await flush();
    expect(ticks(h.conversation)).toEqual([["Hi", "sent"]]);
    // The receipts (read before the agent's device acknowledged) arrive: the receipt still counts.
    answer();
    await flush();
    expect(ticks(h.conversation)).toEqual([["Hi", "delivered"]]);
  });

  it("read the receipts again after a reconnect: markers that moved meanwhile came in no frame", async () => {
    const h = harness(false);
    const first = await connect(h, 2);
    await post(h, first, "Anyone there?", 3);
    expect(h.receiptReads()).toBe(1);
    first.serverClose(1006);
    // An agent opened the conversation while the visitor's connection was down.
    h.receipts = h.receipts.map((member) => (member.user_id === ANN ? { ...member, delivered_seq: 3, last_read_seq: 3 } : member));
    await flush(30_000);
    const second = h.network.last;
    expect(second).not.toBe(first);
    second.open();
    second.receive(hello());
    await flush();
    second.receive(ready([{ ...summary(ROOM, 4), kind: "support" }], VISITOR));
    await flush();
    expect(h.receiptReads()).toBe(2);
    expect(ticks(h.conversation)).toEqual([["Anyone there?", "read"]]);
  });
});
