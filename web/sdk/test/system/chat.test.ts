/**
 * The SDK against the real system: every role of the `chat` binary as its own process, two
 * gateways, a fresh database and NATS prefix (see harness.ts). Each test makes its own users
 * and rooms.
 */

import { randomUUID } from "node:crypto";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { EventFrame, RoomId } from "../../src/contract";
import { ChatApiError } from "../../src/errors";
import { ChatApi } from "../../src/rest";
import { MemoryOutboxStore, MemoryPositionStore } from "../../src/stores";
import { Stack, eventually } from "./harness";
import { type Recorder, recordedSession } from "./recorder";

let stack: Stack | undefined;
const sessions: Recorder[] = [];

beforeAll(async () => {
  stack = await Stack.start({ gateways: 2 });
});

afterEach(() => {
  for (const recorder of sessions.splice(0)) recorder.session.close();
});

afterAll(async () => {
  await stack?.stop();
});

function system(): Stack {
  if (stack === undefined) throw new Error("the stack did not start");
  return stack;
}

function track(recorder: Recorder): Recorder {
  sessions.push(recorder);
  return recorder;
}

function gateways(): [string, string] {
  const [first, second] = system().gatewayUrls;
  if (first === undefined || second === undefined) throw new Error("two gateways expected");
  return [first, second];
}

function userId(api: ChatApi): string {
  const id = api.userId;
  if (id === null) throw new Error("not logged in");
  return id;
}

/** Two users sharing a fresh public room (the first owns it). */
async function twoInARoom(): Promise<{ alice: ChatApi; bob: ChatApi; room: RoomId }> {
  const alice = await system().user("alice");
  const bob = await system().user("bob");
  const { room_id: room } = await alice.createGroupRoom(`room-${randomUUID().slice(0, 8)}`);
  await bob.joinRoom(room);
  return { alice, bob, room };
}

/** Consecutive seqs: no gap and no repeat in what one session received of a room. */
function expectContiguous(events: EventFrame[]): void {
  const seqs = events.map((frame) => frame.seq);
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(seqs.map((_, index) => first + index));
}

describe("two users chat through two gateways", () => {
  it("see each other's messages once and in order, typing, acks and read markers", async () => {
    const { alice, bob, room } = await twoInARoom();
    const [gw1, gw2] = gateways();
    const a = track(recordedSession({ url: gw1, api: alice }));
    const b = track(recordedSession({ url: gw2, api: bob }));
    a.session.connect();
    b.session.connect();
    await eventually("both sessions connected", () => a.session.state === "connected" && b.session.state === "connected");
    expect(a.gateways).toEqual(["gw-1"]);
    expect(b.gateways).toEqual(["gw-2"]);

    // Typing crosses gateways over the bus. Keep typing (throttled by the SDK) until Bob's
    // gateway delivers it: his room's delivery may start a moment after `ready`.
    await eventually("Bob sees Alice typing", () => {
      a.session.typing(room);
      return b.typing.some((frame) => frame.room_id === room && frame.user_id === userId(alice) && frame.typing);
    });
    expect(b.session.typingUsers(room)).toEqual([userId(alice)]);

    // Posting ends the indicator: Bob gets typing:false just before her message.
    const first = a.session.post(room, "hello bob");
    await first.settled;
    await eventually("Bob sees the first message", () => b.bodies(room).includes("hello bob"));
    expect(b.typing.at(-1)).toMatchObject({ user_id: userId(alice), typing: false });
    expect(b.session.typingUsers(room)).toEqual([]);

    const aliceLines = ["a1", "a2", "a3", "a4", "a5"];
    const receipts = await Promise.all(aliceLines.map((line) => a.session.post(room, line).settled));
    expect(receipts.map((receipt) => receipt.duplicate)).toEqual(aliceLines.map(() => false));
    await eventually("Bob sees a5", () => b.bodies(room).includes("a5"));
    const bobLines = ["b1", "b2", "b3"];
    for (const line of bobLines) await b.session.post(room, line).settled;

    const expected = ["hello bob", ...aliceLines, ...bobLines];
    await eventually("both see every message", () => a.bodies(room).length === expected.length && b.bodies(room).length === expected.length);
    expect(a.bodies(room)).toEqual(expected);
    expect(b.bodies(room)).toEqual(expected);
    expect(a.posts(room).map(({ seq }) => seq)).toEqual(b.posts(room).map(({ seq }) => seq));
    expectContiguous(a.roomEvents(room));
    expectContiguous(b.roomEvents(room));
    // Each ack names the seq under which everyone received the message.
    for (const receipt of receipts) {
      const seen = b.posts(room).find(({ post }) => post.client_msg_id === receipt.clientMsgId);
      expect(seen?.seq).toBe(receipt.seq);
      expect(seen?.post.message_id).toBe(receipt.messageId);
    }
    expect(a.session.pendingPosts()).toEqual([]);

    // A read marker over the WebSocket, visible in REST receipts.
    const last = b.posts(room).at(-1)?.seq ?? 0;
    const ack = await a.session.markRead(room, last);
    expect(ack.changed).toBe(true);
    await eventually("the receipt shows Alice's marker", async () => {
      const { receipts: marks } = await bob.receipts(room);
      return marks.some((mark) => mark.user_id === userId(alice) && mark.last_read_seq >= last);
    });
    expect(a.session.duplicatesDropped + b.session.duplicatesDropped).toBe(0);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});

describe("delivery acknowledgements", () => {
  it("tell the author on another gateway what the other member's device received, exactly, across a reconnect", async () => {
    const { alice, bob, room } = await twoInARoom();
    const [gw1, gw2] = gateways();
    const a = track(recordedSession({ url: gw1, api: alice }));
    a.session.connect();
    await eventually("Alice connected", () => a.session.state === "connected");
    const first = await a.session.post(room, "are you there?").settled;
    const delivered = async () => (await alice.receipts(room)).receipts.find((mark) => mark.user_id === userId(bob))?.delivered_seq;
    expect(await delivered()).toBeLessThan(first.seq);

    // Bob's session starts the room at the present and acknowledges it by itself.
    const positions = new MemoryPositionStore();
    const b = track(recordedSession({ url: gw2, api: bob, positions }));
    b.session.connect();
    await eventually("Alice hears Bob's device has it", () =>
      a.receipts.some((frame) => frame.room_id === room && frame.user_id === userId(bob) && frame.delivered_seq >= first.seq),
    );
    expect(await delivered()).toBe(first.seq);

    // Away, and back with the same stored positions: what came meanwhile, and no more.
    b.session.close();
    const second = await a.session.post(room, "while you were away").settled;
    expect(await delivered()).toBe(first.seq);
    const again = track(recordedSession({ url: gw1, api: bob, positions }));
    again.session.connect();
    await eventually("Bob's second session gets the message", () => again.bodies(room).includes("while you were away"));
    await eventually("the server has Bob's new position", async () => (await delivered()) === second.seq);
    const heard = a.receipts.filter((frame) => frame.user_id === userId(bob)).map((frame) => frame.delivered_seq);
    await eventually("Alice hears of the new position", () => a.receipts.some((frame) => frame.user_id === userId(bob) && frame.delivered_seq === second.seq));
    expect(Math.max(...heard, second.seq)).toBe(second.seq);
    expect([...a.errors, ...b.errors, ...again.errors]).toEqual([]);
  });
});

describe("a page reload", () => {
  it("resumes from the persisted positions without loss or duplicates", async () => {
    const { alice, bob, room } = await twoInARoom();
    const [gw1, gw2] = gateways();
    const positions = new MemoryPositionStore();
    const outbox = new MemoryOutboxStore();

    const before = track(recordedSession({ url: [gw2, gw1], api: bob, positions, outbox }));
    before.session.connect();
    await eventually("connected", () => before.session.state === "connected");
    const firstHalf = ["r1", "r2", "r3", "r4", "r5"];
    for (const line of firstHalf) await alice.postMessage(room, line);
    await eventually("the first half arrives", () => before.bodies(room).length === firstHalf.length);
    const position = before.session.position(room);
    expect(position).toBe(before.roomEvents(room).at(-1)?.seq);
    before.session.close();

    // While the page is gone, Alice goes on.
    const secondHalf = ["r6", "r7", "r8", "r9", "r10"];
    for (const line of secondHalf) await alice.postMessage(room, line);

    // The reloaded page: a new session over the same stores, on the other gateway.
    const after = track(recordedSession({ url: [gw1, gw2], api: bob, positions, outbox }));
    after.session.connect();
    await eventually("the second half arrives", () => after.bodies(room).length === secondHalf.length);
    expect(after.bodies(room)).toEqual(secondHalf);
    expect(after.resumed).toContainEqual({
      type: "resumed",
      room_id: room,
      recovered: true,
      from_seq: position,
      to_seq: after.roomEvents(room).at(-1)?.seq,
      reason: null,
    });
    expect(after.roomEvents(room)[0]?.seq).toBe((position ?? 0) + 1);
    expectContiguous(after.roomEvents(room));
    expect([...before.bodies(room), ...after.bodies(room)]).toEqual([...firstHalf, ...secondHalf]);
    expect(after.session.duplicatesDropped).toBe(0);
    expect(positions.load().get(room)).toBe(after.roomEvents(room).at(-1)?.seq);
  });

  it("applies a post queued before the reload exactly once, even if the server already had it", async () => {
    const alice = await system().user("alice");
    const { room_id: room } = await alice.createGroupRoom("outbox");
    const [gw1] = gateways();
    // The page posted, the server applied it, and the page was reloaded before the ack came.
    const applied = randomUUID();
    const original = await alice.postMessage(room, "before the reload", { clientMsgId: applied });
    const outbox = new MemoryOutboxStore();
    outbox.put({ clientMsgId: applied, roomId: room, body: "before the reload", replyTo: null, mentions: [], attachments: [], queuedAt: new Date().toISOString(), ordinal: 0 });

    const session = track(recordedSession({ url: gw1, api: alice, outbox }));
    const fresh = session.session.post(room, "after the reload");
    session.session.connect();
    await eventually("both posts settled", () => session.sent.length === 2);
    const settled = new Map(session.sent.map((receipt) => [receipt.clientMsgId, receipt]));
    expect(settled.get(applied)).toMatchObject({ messageId: original.message_id, seq: original.seq });
    expect((await fresh.settled).duplicate).toBe(false);
    expect(outbox.load()).toEqual([]);

    const history = await eventually("the history has the new post", async () => {
      const page = await alice.history(room, { limit: 50 });
      return page.messages.some((message) => message.client_msg_id === fresh.post.clientMsgId) ? page : undefined;
    });
    expect(history.messages.map((message) => message.body).sort()).toEqual(["after the reload", "before the reload"]);
  });
});

describe("the REST client against the server", () => {
  it("surfaces the documented error codes, statuses and request ids", async () => {
    const { alice, bob, room } = await twoInARoom();
    const stranger = await system().user("carol");
    // Reads come from read models, which trail the commands by a moment (api.md §1).
    await eventually("the room is readable", () => alice.room(room).then(() => true, () => undefined));

    const wrong = await system()
      .api()
      .login("nobody_" + randomUUID().slice(0, 8), "wrong password")
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(ChatApiError);
    expect(wrong).toMatchObject({ status: 401, code: "invalid_credentials" });
    expect((wrong as ChatApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    await expect(stranger.room(room)).rejects.toMatchObject({ status: 403, code: "not_a_member" });
    await expect(alice.room(randomUUID())).rejects.toMatchObject({ status: 404, code: "room_not_found" });
    await expect(alice.postMessage(room, "")).rejects.toMatchObject({ status: 422, code: "invalid_input", field: "body" });
    await expect(alice.leaveRoom(room)).rejects.toMatchObject({ status: 409, code: "owner_cannot_leave" });

    // Direct rooms: opened once, the same room after.
    const opened = await eventually("Bob is known to the users read model", () =>
      alice.openDirectRoom(userId(bob)).catch((error: unknown) => {
        if (error instanceof ChatApiError && error.code === "user_not_found") return undefined;
        throw error;
      }),
    );
    expect(opened.created).toBe(true);
    await expect(bob.openDirectRoom(userId(alice))).resolves.toEqual({ ...opened, created: false });

    // A stranger is found by their exact username (any case), identity only, then messaged.
    const { username } = await stranger.me();
    const carol = await eventually("Carol is known to the users read model", () =>
      alice.findUser(username.toUpperCase()).then((found) => found ?? undefined),
    );
    expect(carol).toEqual({ user_id: userId(stranger), username, display_name: username });
    await expect(alice.findUser(`${username}x`)).resolves.toBeNull();
    await expect(alice.openDirectRoom(carol.user_id)).resolves.toMatchObject({ created: true });

    // The public directory finds the room by part of its name; Carol is not in it, Bob is.
    const { name } = await alice.room(room);
    const part = (name ?? "").slice(-6).toUpperCase();
    const listed = await eventually("the room is in the directory", () =>
      stranger.publicRooms({ search: part }).then((rooms) => (rooms.length > 0 ? rooms : undefined)),
    );
    expect(listed).toEqual([expect.objectContaining({ room_id: room, name, member_count: 2, joined: false })]);
    await expect(bob.publicRooms({ search: part })).resolves.toEqual([expect.objectContaining({ room_id: room, joined: true })]);

    // History paging and the post idempotency key.
    const key = randomUUID();
    const posted = await alice.postMessage(room, "once", { clientMsgId: key });
    await expect(alice.postMessage(room, "once again", { clientMsgId: key })).resolves.toEqual({ ...posted, duplicate: true });
    const detail = await eventually("the room read model has the post", async () => {
      const found = await bob.room(room);
      return found.last_seq >= posted.seq ? found : undefined;
    });
    expect(detail.members.map((member) => member.user_id).sort()).toEqual([userId(alice), userId(bob)].sort());
    // api.md §3.3: "every field of the room list entry, plus members".
    expect(Object.keys(detail).sort()).toEqual(
      [
        "room_id", "kind", "name", "visibility", "topic", "description", "role", "member_count", "message_count", "last_seq", "last_read_seq",
        "delivered_seq", "unread_count", "unread_mentions", "last_message", "created_at", "last_activity_at", "members",
      ].sort(),
    );
    const pages = [];
    for await (const page of bob.historyPages(room, { limit: 1 })) pages.push(page);
    expect(pages.flatMap((page) => page.messages.map((message) => message.body))).toEqual(["once"]);

    // Refresh: a new pair; the old refresh token is used up. (The access token may come out
    // byte-identical if issued within the same second: it is sub, iat and exp, no unique id.)
    const before = alice.credentials;
    const refreshed = await alice.refresh();
    expect(refreshed.refreshToken).not.toBe(before?.refreshToken);
    expect(Date.parse(refreshed.expiresAt ?? "")).toBeGreaterThanOrEqual(Date.parse(before?.expiresAt ?? ""));
    await expect(alice.me()).resolves.toMatchObject({ user_id: userId(alice) });
  });
});

describe("close codes on the real gateways (protocol.md §9)", () => {
  it("4009: a draining gateway (SIGTERM) sends its clients elsewhere at once, and they resume", async () => {
    const { alice, bob, room } = await twoInARoom();
    const [gw1] = gateways();
    const draining = await system().startGateway(`gw-drain-${randomUUID().slice(0, 4)}`);
    const drainingUrl = draining.url ?? "";
    const b = track(recordedSession({ url: [drainingUrl, gw1], api: bob }));
    b.session.connect();
    await eventually("connected to the draining gateway", () => b.session.state === "connected");
    for (const line of ["d1", "d2", "d3"]) await alice.postMessage(room, line);
    await eventually("d1..d3", () => b.bodies(room).length === 3);

    const stopped = draining.terminate();
    await eventually("reconnected to gw-1", () => b.gateways.length === 2 && b.session.state === "connected");
    expect(b.disconnects[0]).toMatchObject({ code: 4009, reason: "server_draining", url: drainingUrl });
    expect(b.disconnects[0]?.reconnectInMs).toBeLessThanOrEqual(1000);
    expect(b.gateways).toEqual([draining.name, "gw-1"]);
    for (const line of ["d4", "d5", "d6"]) await alice.postMessage(room, line);
    await eventually("d4..d6", () => b.bodies(room).length === 6);
    await stopped;
    expect(b.bodies(room)).toEqual(["d1", "d2", "d3", "d4", "d5", "d6"]);
    expectContiguous(b.roomEvents(room));
    expect(b.resumed).toEqual([expect.objectContaining({ room_id: room, recovered: true })]);
  });

  it("4001 for an expired token: renewed with the refresh token, then identified", async () => {
    const alice = await system().user("alice");
    const login = alice.credentials;
    if (login === null) throw new Error("not logged in");
    const expired = system().forgeToken(login.userId, -60);
    // A client that does not know its token has expired (no expires_at) meets the 4001.
    const api = new ChatApi({
      baseUrl: system().apiUrl,
      credentials: { ...login, token: expired, expiresAt: null },
    });
    const [gw1] = gateways();
    const session = track(recordedSession({ url: gw1, api }));
    session.session.connect();
    await eventually("connected with a renewed token", () => session.session.state === "connected");
    expect(session.disconnects.map((close) => close.code)).toEqual([4001]);
    expect(api.credentials?.token).not.toBe(expired);
    expect(api.credentials?.refreshToken).not.toBe(login.refreshToken);
  });

  it("4001 for an erased account: the session stops for good and REST says account_erased", async () => {
    const lost: string[] = [];
    const victim = await system().user("victim", { onAuthLost: (error) => lost.push(error.code) });
    const login = victim.credentials;
    if (login === null) throw new Error("not logged in");
    const operator = await system().operator();
    const [gw1] = gateways();
    const session = track(recordedSession({ url: gw1, api: victim }));
    const closed: string[] = [];
    session.session.on("closed", ({ reason }) => closed.push(reason));
    session.session.connect();
    await eventually("connected", () => session.session.state === "connected");

    const erased = await fetch(`${system().apiUrl}/v1/admin/users/${login.userId}/erase`, {
      method: "POST",
      headers: { authorization: `Bearer ${await operator.accessToken()}` },
    });
    expect(erased.status).toBe(200);
    await eventually("the session stopped", () => session.session.state === "closed");
    expect(session.disconnects[0]?.code).toBe(4001);
    expect(closed).toEqual(["auth_lost"]);
    expect(lost).toEqual(["invalid_refresh_token"]);
    // The access token still verifies, but the account is gone.
    const stale = new ChatApi({ baseUrl: system().apiUrl, credentials: { ...login, refreshToken: null } });
    await expect(stale.me()).rejects.toMatchObject({ status: 401, code: "account_erased" });
  });
});

describe("files (api.md §13)", () => {
  it("are uploaded, posted over the WebSocket outbox, listed in the history and fetched by a signed URL", async () => {
    const { alice, bob, room } = await twoInARoom();
    const text = "notes from the SDK\n".repeat(100);
    const progress: number[] = [];
    const upload = await alice.uploadFile(new Blob([text], { type: "text/plain" }), {
      name: "../notes.txt",
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    expect(upload).toMatchObject({ name: "notes.txt", mime: "text/plain", size: text.length, thumbnail: false });
    expect(progress.at(-1)).toBe(text.length);

    const [gw1] = gateways();
    const session = track(recordedSession({ url: gw1, api: alice }));
    session.session.connect();
    const posted = session.session.post(room, "", { attachments: [upload.upload_id] });
    const receipt = await posted.settled;

    const message = await eventually("the post in bob's history", async () => {
      const page = await bob.history(room, { limit: 10 });
      return page.messages.find((m) => m.message_id === receipt.messageId);
    });
    expect(message).toMatchObject({ kind: "file", body: "" });
    expect(message.attachments.map((a) => [a.id, a.name, a.size])).toEqual([[upload.upload_id, "notes.txt", text.length]]);

    const src = await bob.attachmentSrc(room, upload.upload_id);
    if (src === null) throw new Error("no signed URL");
    const fetched = await fetch(src);
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toBe(text);
    await expect(bob.postMessage(room, null, { attachments: [upload.upload_id] })).rejects.toMatchObject({
      status: 422,
      code: "upload_not_found",
    });
  });
});
