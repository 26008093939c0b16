import { describe, expect, it } from "vitest";

import type { EventFrame, RoomId } from "../../src/contract";
import { Delivery, type GapFill, Positions } from "../../src/delivery";
import { MemoryPositionStore } from "../../src/stores";
import { ROOM, ROOM2, eventFrame } from "./fakes";

interface Recorded {
  delivered: Array<[RoomId, number]>;
  duplicates: Array<[RoomId, number]>;
  fills: Array<GapFill<string>>;
  failures: Array<[RoomId, number, number]>;
}

function setUp(
  store = new MemoryPositionStore(),
  fill: (roomId: RoomId, after: number, before: number) => Promise<string> = async (_, after, before) => `${after}..${before}`,
) {
  const recorded: Recorded = { delivered: [], duplicates: [], fills: [], failures: [] };
  const positions = new Positions(store);
  const delivery = new Delivery<string>(positions, {
    deliver: (frame) => recorded.delivered.push([frame.room_id, frame.seq]),
    delivered: () => undefined,
    duplicate: (frame) => recorded.duplicates.push([frame.room_id, frame.seq]),
    fill,
    filled: (gap) => recorded.fills.push(gap),
    fillFailed: (roomId, after, before) => recorded.failures.push([roomId, after, before]),
  });
  return { store, positions, delivery, recorded };
}

function frames(roomId: RoomId, ...seqs: number[]): EventFrame[] {
  return seqs.map((seq) => eventFrame(roomId, seq));
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await Promise.resolve();
}

describe("Delivery: de-duplication by (room, seq)", () => {
  it("delivers each event once and drops repeats at or below the position", () => {
    const { delivery, recorded } = setUp();
    for (const frame of frames(ROOM, 1, 2, 2, 3, 1, 3, 4)) delivery.receive(frame);
    expect(recorded.delivered).toEqual([
      [ROOM, 1],
      [ROOM, 2],
      [ROOM, 3],
      [ROOM, 4],
    ]);
    expect(recorded.duplicates).toEqual([
      [ROOM, 2],
      [ROOM, 1],
      [ROOM, 3],
    ]);
    expect(delivery.duplicatesDropped).toBe(3);
  });

  it("keeps rooms apart: the same seq in two rooms is two events", () => {
    const { delivery, recorded } = setUp();
    for (const frame of [...frames(ROOM, 1, 2), ...frames(ROOM2, 1, 2)]) delivery.receive(frame);
    expect(recorded.delivered).toHaveLength(4);
    expect(recorded.duplicates).toHaveLength(0);
  });

  it("starts a room new to it at the first event it receives", () => {
    const { delivery, positions, recorded } = setUp();
    delivery.receive(eventFrame(ROOM, 41));
    delivery.receive(eventFrame(ROOM, 42));
    expect(recorded.delivered).toEqual([
      [ROOM, 41],
      [ROOM, 42],
    ]);
    expect(positions.get(ROOM)).toBe(42);
    expect(recorded.fills).toHaveLength(0);
  });

  it("persists the position after each event, so that a new instance (a reload) drops what was seen", () => {
    const store = new MemoryPositionStore();
    const first = setUp(store);
    for (const frame of frames(ROOM, 1, 2, 3)) first.delivery.receive(frame);
    expect(store.load().get(ROOM)).toBe(3);

    const reloaded = setUp(store);
    for (const frame of frames(ROOM, 2, 3, 4)) reloaded.delivery.receive(frame);
    expect(reloaded.recorded.delivered).toEqual([[ROOM, 4]]);
    expect(reloaded.recorded.duplicates).toEqual([
      [ROOM, 2],
      [ROOM, 3],
    ]);
  });
});

describe("Delivery: gaps", () => {
  it("classifies the next seq, a repeat and a jump", () => {
    const { positions } = setUp();
    positions.set(ROOM, 5);
    expect(positions.classify(ROOM, 6)).toEqual({ kind: "deliver" });
    expect(positions.classify(ROOM, 5)).toEqual({ kind: "duplicate", position: 5 });
    expect(positions.classify(ROOM, 9)).toEqual({ kind: "gap", after: 5, before: 9 });
  });

  it("fills a gap before delivering the event after it, and holds the room's later events meanwhile", async () => {
    let release: (value: string) => void = () => undefined;
    const requested: Array<[RoomId, number, number]> = [];
    const { delivery, positions, recorded } = setUp(new MemoryPositionStore(), (roomId, after, before) => {
      requested.push([roomId, after, before]);
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    });
    positions.set(ROOM, 3);
    positions.set(ROOM2, 1);
    for (const frame of frames(ROOM, 7, 8)) delivery.receive(frame);
    delivery.receive(eventFrame(ROOM2, 2));
    delivery.receive(eventFrame(ROOM, 9));

    expect(requested).toEqual([[ROOM, 3, 7]]);
    expect(delivery.filling(ROOM)).toBe(true);
    // The other room does not wait.
    expect(recorded.delivered).toEqual([[ROOM2, 2]]);

    release("messages 4..6");
    await settle();
    expect(recorded.fills).toEqual([{ roomId: ROOM, after: 3, before: 7, recovered: "messages 4..6" }]);
    expect(recorded.delivered).toEqual([
      [ROOM2, 2],
      [ROOM, 7],
      [ROOM, 8],
      [ROOM, 9],
    ]);
    expect(positions.get(ROOM)).toBe(9);
    expect(delivery.filling(ROOM)).toBe(false);
  });

  it("drops held events that turn out to be duplicates", async () => {
    const { delivery, positions, recorded } = setUp();
    positions.set(ROOM, 1);
    for (const frame of frames(ROOM, 4, 4, 3, 5)) delivery.receive(frame);
    await settle();
    expect(recorded.delivered.map(([, seq]) => seq)).toEqual([4, 5]);
    expect(recorded.duplicates.map(([, seq]) => seq)).toEqual([4, 3]);
  });

  it("skips the gap and reports it when the fill fails, without losing the events behind it", async () => {
    const { delivery, positions, recorded } = setUp(new MemoryPositionStore(), async () => {
      throw new Error("REST is down");
    });
    positions.set(ROOM, 2);
    for (const frame of frames(ROOM, 5, 6)) delivery.receive(frame);
    await settle();
    expect(recorded.failures).toEqual([[ROOM, 2, 5]]);
    expect(recorded.delivered.map(([, seq]) => seq)).toEqual([5, 6]);
  });
});

describe("Positions: the resume map", () => {
  it("holds every room while it fits", () => {
    const { positions } = setUp();
    positions.set(ROOM, 3);
    positions.set(ROOM2, 12);
    expect(positions.resumeMap(65_000)).toEqual({ [ROOM]: 3, [ROOM2]: 12 });
  });

  it("stays within its byte budget (a frame must fit in 64 KiB)", () => {
    const { positions } = setUp();
    for (let index = 0; index < 3000; index += 1) {
      positions.set(`00000000-0000-7000-8000-${String(index).padStart(12, "0")}`, index * 1000);
    }
    const map = positions.resumeMap(60_000);
    expect(JSON.stringify(map).length).toBeLessThanOrEqual(60_000);
    expect(Object.keys(map).length).toBeGreaterThan(1000);
    expect(Object.keys(map).length).toBeLessThan(3000);
  });

  it("forgets a room in the store too", () => {
    const { positions, store } = setUp();
    positions.set(ROOM, 3);
    positions.forget(ROOM);
    expect(positions.get(ROOM)).toBeUndefined();
    expect(store.load().has(ROOM)).toBe(false);
  });
});
