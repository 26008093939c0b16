import { describe, expect, it } from "vitest";

import type { AckFrame } from "../../src/contract";
import { ChatApiError } from "../../src/errors";
import { Outbox } from "../../src/outbox";
import { MemoryOutboxStore, WebStorageOutboxStore } from "../../src/stores";
import { MapStorage, ROOM, ROOM2 } from "./fakes";

function ids(): () => string {
  let next = 0;
  return () => `p${++next}`;
}

function ack(id: string, seq: number, changed = true): AckFrame {
  return { type: "ack", id, seq, message_id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`, changed };
}

function refusal(code: ChatApiError["code"], retryAfterMs: number | null = null): ChatApiError {
  return new ChatApiError({ status: 0, code, message: code, retryAfterMs });
}

describe("Outbox: persistence", () => {
  it("stores a post when it is queued, with a fresh UUID client_msg_id", () => {
    const store = new MemoryOutboxStore();
    const outbox = new Outbox(store);
    const { post } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    expect(post.clientMsgId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(store.load()).toEqual([post]);
  });

  it("survives a reload in queue order, keeping each client_msg_id, over Web Storage", () => {
    const storage = new MapStorage();
    const first = new Outbox(new WebStorageOutboxStore(storage, "alice"));
    const queued = ["one", "two", "three"].map((body) => first.enqueue({ roomId: ROOM, body }).post);

    const reloaded = new Outbox(new WebStorageOutboxStore(storage, "alice"));
    expect(reloaded.pending()).toEqual(queued);
    const fourth = reloaded.enqueue({ roomId: ROOM, body: "four" }).post;
    expect(fourth.ordinal).toBeGreaterThan(queued[2]?.ordinal ?? Infinity);
    expect(reloaded.take(ids()).map(({ post }) => post.body)).toEqual(["one", "two", "three", "four"]);
  });

  it("keeps users apart by namespace and skips corrupt entries", () => {
    const storage = new MapStorage();
    new Outbox(new WebStorageOutboxStore(storage, "alice")).enqueue({ roomId: ROOM, body: "hers" });
    storage.setItem("alice:outbox:broken", "{not json");
    expect(new Outbox(new WebStorageOutboxStore(storage, "bob")).size).toBe(0);
    expect(new Outbox(new WebStorageOutboxStore(storage, "alice")).pending().map((post) => post.body)).toEqual(["hers"]);
    expect(storage.getItem("alice:outbox:broken")).toBeNull();
  });
});

describe("Outbox: sending, acks and resends", () => {
  it("settles a post on its ack and removes it from the store", async () => {
    const store = new MemoryOutboxStore();
    const outbox = new Outbox(store);
    const { settled } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    const [attempt] = outbox.take(ids());
    expect(attempt?.requestId).toBe("p1");
    const settlement = outbox.acked(ack("p1", 7));
    expect(settlement.kind).toBe("sent");
    await expect(settled).resolves.toMatchObject({ roomId: ROOM, seq: 7, duplicate: false, confirmedBy: "ack" });
    expect(store.load()).toEqual([]);
  });

  it("sends again with the same client_msg_id after a lost connection; a recognised retry is a duplicate", async () => {
    const outbox = new Outbox(new MemoryOutboxStore());
    const { post, settled } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    const next = ids();
    expect(outbox.take(next).map(({ post: sent }) => sent.clientMsgId)).toEqual([post.clientMsgId]);
    // Nothing more to send while it is in flight.
    expect(outbox.take(next)).toEqual([]);

    outbox.connectionLost();
    const resent = outbox.take(next);
    expect(resent).toEqual([{ requestId: "p2", post }]);
    // An answer to the attempt on the dead connection can no longer arrive; one to the new does.
    expect(outbox.acked(ack("p1", 7)).kind).toBe("unknown");
    outbox.acked(ack("p2", 7, false));
    await expect(settled).resolves.toMatchObject({ clientMsgId: post.clientMsgId, seq: 7, duplicate: true });
  });

  it("keeps at most maxInFlight posts in flight", () => {
    const outbox = new Outbox(new MemoryOutboxStore(), { maxInFlight: 3 });
    for (let index = 0; index < 5; index += 1) outbox.enqueue({ roomId: ROOM, body: `m${index}` });
    const next = ids();
    expect(outbox.take(next).map(({ post }) => post.body)).toEqual(["m0", "m1", "m2"]);
    outbox.acked(ack("p1", 1));
    expect(outbox.take(next).map(({ post }) => post.body)).toEqual(["m3"]);
  });

  it("retries busy, timeout, unavailable and rate_limited with the same key, no sooner than retry_after_ms", () => {
    let now = 0;
    const outbox = new Outbox(new MemoryOutboxStore(), { now: () => now, random: () => 0 });
    const { post } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    const next = ids();
    for (const code of ["busy", "timeout", "unavailable"] as const) {
      const [attempt] = outbox.take(next);
      expect(outbox.refused(attempt?.requestId ?? "", refusal(code))).toMatchObject({ kind: "retry" });
    }
    const [attempt] = outbox.take(next);
    const settlement = outbox.refused(attempt?.requestId ?? "", refusal("rate_limited", 1500));
    expect(settlement).toMatchObject({ kind: "retry", inMs: 1500 });
    expect(outbox.nextRetryAt()).toBe(1500);
    expect(outbox.take(next)).toEqual([]);
    now = 1500;
    expect(outbox.take(next).map(({ post: sent }) => sent.clientMsgId)).toEqual([post.clientMsgId]);
  });

  it("holds a room's later posts behind one waiting for its retry, but not other rooms'", () => {
    let now = 0;
    const outbox = new Outbox(new MemoryOutboxStore(), { now: () => now, random: () => 0 });
    outbox.enqueue({ roomId: ROOM, body: "a1" });
    const next = ids();
    outbox.take(next);
    outbox.refused("p1", refusal("rate_limited", 1000));
    outbox.enqueue({ roomId: ROOM, body: "a2" });
    outbox.enqueue({ roomId: ROOM2, body: "b1" });
    expect(outbox.take(next).map(({ post }) => post.body)).toEqual(["b1"]);
    now = 1000;
    expect(outbox.take(next).map(({ post }) => post.body)).toEqual(["a1", "a2"]);
  });

  it("drops a post refused for good and rejects its promise", async () => {
    const store = new MemoryOutboxStore();
    const outbox = new Outbox(store);
    const { settled } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    outbox.take(ids());
    expect(outbox.refused("p1", refusal("not_a_member"))).toMatchObject({ kind: "failed" });
    await expect(settled).rejects.toMatchObject({ code: "not_a_member" });
    expect(store.load()).toEqual([]);
  });

  it("settles a post when its own MessagePosted arrives before the ack", async () => {
    const outbox = new Outbox(new MemoryOutboxStore());
    const { post, settled } = outbox.enqueue({ roomId: ROOM, body: "hi" });
    outbox.take(ids());
    expect(outbox.posted(ROOM2, post.clientMsgId, "m", 3).kind).toBe("unknown");
    expect(outbox.posted(ROOM, post.clientMsgId, "m", 3).kind).toBe("sent");
    await expect(settled).resolves.toMatchObject({ confirmedBy: "event", seq: 3 });
    expect(outbox.acked(ack("p1", 3)).kind).toBe("unknown");
    expect(outbox.size).toBe(0);
  });
});
