import { describe, expect, it } from "vitest";

import { type RevealModel, revealSeq } from "../../src/model/reveal";

/** A room of messages 1..`newest`, loaded `page` at a time from the newest, as the model does. */
function room(newest: number, page: number, options: { failAfter?: number } = {}) {
  let oldest: number | null = null;
  let loading = false;
  let loads = 0;
  const listeners = new Set<() => void>();
  const model: RevealModel = {
    timeline: () => ({
      messages: () => (oldest === null ? [] : Array.from({ length: newest - oldest + 1 }, (_, at) => ({ seq: oldest! + at }) as never)),
      loaded: oldest !== null,
      loading,
      hasOlder: oldest === null || oldest > 1,
    }),
    loadOlder: async () => {
      loads += 1;
      if (options.failAfter !== undefined && loads > options.failAfter) return;
      oldest = Math.max(1, (oldest ?? newest + 1) - page);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    model,
    loads: () => loads,
    /** A load the room started by itself, ending on `finish`. */
    startLoading: () => {
      loading = true;
      return () => {
        loading = false;
        oldest = newest - page + 1;
        for (const listener of [...listeners]) listener();
      };
    },
  };
}

describe("revealSeq", () => {
  it("loads older pages until the message is there, and no further", async () => {
    const history = room(500, 50);
    expect(await revealSeq(history.model, "r", 320)).toBe(true);
    expect(history.loads()).toBe(4);
    expect(await revealSeq(history.model, "r", 400)).toBe(true);
    expect(history.loads()).toBe(4);
  });

  it("stops at the start of the room, or when the history will not load", async () => {
    const history = room(120, 50);
    expect(await revealSeq(history.model, "r", 0)).toBe(false);
    expect(history.loads()).toBe(3);
    const failing = room(500, 50, { failAfter: 1 });
    expect(await revealSeq(failing.model, "r", 10)).toBe(false);
    expect(failing.loads()).toBe(2);
  });

  it("waits for a page already on its way", async () => {
    const history = room(100, 50);
    const finish = history.startLoading();
    const revealing = revealSeq(history.model, "r", 60);
    finish();
    expect(await revealing).toBe(true);
    expect(history.loads()).toBe(0);
  });
});
