import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { DeliveryAcks } from "../../src/acks";
import { ROOM, ROOM2 } from "./fakes";

/** A `DeliveryAcks` whose frames are recorded; `up` says whether the socket takes them. */
function acks(interval = 250) {
  const sent: Array<[string, number]> = [];
  const socket = { up: true };
  const coalescer = new DeliveryAcks((roomId, upToSeq) => {
    if (!socket.up) return false;
    sent.push([roomId, upToSeq]);
    return true;
  }, interval);
  return { coalescer, sent, socket };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DeliveryAcks", () => {
  it("sends at most one received per room per interval, with the latest position", async () => {
    const { coalescer, sent } = acks();
    coalescer.connected([], []);
    for (let seq = 1; seq <= 20; seq += 1) coalescer.received(ROOM, seq);
    coalescer.received(ROOM2, 4);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(249);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([
      [ROOM, 20],
      [ROOM2, 4],
    ]);
    coalescer.received(ROOM, 21);
    coalescer.received(ROOM, 22);
    await vi.advanceTimersByTimeAsync(250);
    expect(sent.slice(2)).toEqual([[ROOM, 22]]);
  });

  it("never sends a position at or below what the server has or was sent", async () => {
    const { coalescer, sent } = acks();
    coalescer.connected([[ROOM, 7]], [[ROOM, 5]]);
    coalescer.received(ROOM, 6);
    coalescer.received(ROOM, 7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([]);
    coalescer.received(ROOM, 8);
    await vi.advanceTimersByTimeAsync(250);
    coalescer.received(ROOM, 8);
    coalescer.received(ROOM, 3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([[ROOM, 8]]);
  });

  it("holds everything while disconnected, and on the next connection sends only what the server lacks", async () => {
    const { coalescer, sent, socket } = acks();
    coalescer.connected([], []);
    coalescer.received(ROOM, 4);
    await vi.advanceTimersByTimeAsync(250);
    expect(sent).toEqual([[ROOM, 4]]);
    // The socket dies: the ack of 9 goes nowhere, and that of 4 may have been lost with it.
    coalescer.received(ROOM, 9);
    coalescer.disconnected();
    socket.up = false;
    coalescer.received(ROOM2, 2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([[ROOM, 4]]);
    // Reconnected: the server says it has ROOM at 4 (not 9) and ROOM2 at 2.
    socket.up = true;
    coalescer.connected(
      [
        [ROOM, 4],
        [ROOM2, 2],
      ],
      [
        [ROOM, 9],
        [ROOM2, 2],
      ],
    );
    await vi.advanceTimersByTimeAsync(250);
    expect(sent).toEqual([
      [ROOM, 4],
      [ROOM, 9],
    ]);
  });

  it("sends again what a new connection's server does not have, even if sent before", async () => {
    const { coalescer, sent } = acks();
    coalescer.connected([], []);
    coalescer.received(ROOM, 5);
    await vi.advanceTimersByTimeAsync(250);
    coalescer.disconnected();
    // The gateway died before recording it: the next ready says 3.
    coalescer.connected([[ROOM, 3]], [[ROOM, 5]]);
    await vi.advanceTimersByTimeAsync(250);
    expect(sent).toEqual([
      [ROOM, 5],
      [ROOM, 5],
    ]);
  });

  it("learns from its own receipts, and forgets rooms it left", async () => {
    const { coalescer, sent } = acks();
    coalescer.connected([], []);
    coalescer.recorded(ROOM, 10);
    coalescer.received(ROOM, 10);
    coalescer.received(ROOM2, 3);
    coalescer.forget(ROOM2);
    expect(coalescer.pending()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([]);
  });
});
