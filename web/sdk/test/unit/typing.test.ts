import { describe, expect, it } from "vitest";

import { TypingThrottle, TypingTracker } from "../../src/typing";
import { OTHER, ROOM, ROOM2, USER } from "./fakes";

describe("TypingThrottle", () => {
  it("sends at most one typing:true per room per renew interval", () => {
    let now = 1000;
    const throttle = new TypingThrottle(() => now);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
    const sent = [];
    for (let keystroke = 0; keystroke < 19; keystroke += 1) {
      now += 100;
      sent.push(throttle.shouldSend(ROOM, true, 2000));
    }
    expect(sent.filter(Boolean)).toHaveLength(0);
    now = 3000;
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(false);
  });

  it("throttles each room on its own", () => {
    const throttle = new TypingThrottle(() => 0);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM2, true, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(false);
  });

  it("always sends typing:false, which resets the room", () => {
    const throttle = new TypingThrottle(() => 0);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM, false, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM, false, 2000)).toBe(true);
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
  });

  it("starts afresh on a new connection", () => {
    const throttle = new TypingThrottle(() => 0);
    throttle.shouldSend(ROOM, true, 2000);
    throttle.reset();
    expect(throttle.shouldSend(ROOM, true, 2000)).toBe(true);
  });
});

describe("TypingTracker", () => {
  it("shows a user from true until false, and reports only changes", () => {
    const tracker = new TypingTracker();
    expect(tracker.apply(ROOM, OTHER, true)).toBe(true);
    expect(tracker.apply(ROOM, OTHER, true)).toBe(false);
    expect(tracker.users(ROOM)).toEqual([OTHER]);
    expect(tracker.apply(ROOM, OTHER, false)).toBe(true);
    expect(tracker.users(ROOM)).toEqual([]);
  });

  it("ignores a false for someone it never showed", () => {
    const tracker = new TypingTracker();
    expect(tracker.apply(ROOM, OTHER, false)).toBe(false);
  });

  it("clears a room, or everything", () => {
    const tracker = new TypingTracker();
    tracker.apply(ROOM, OTHER, true);
    tracker.apply(ROOM, USER, true);
    tracker.apply(ROOM2, OTHER, true);
    expect(tracker.clearRoom(ROOM)).toEqual([OTHER, USER]);
    expect(tracker.clearAll()).toEqual([{ roomId: ROOM2, userId: OTHER }]);
    expect(tracker.users(ROOM2)).toEqual([]);
  });
});
