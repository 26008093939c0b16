import { describe, expect, it } from "vitest";

import { conversationHref, messageHref, roomFromHash, routeFromHash, websiteHref } from "../../src/ui/route";

describe("the route in the URL's hash", () => {
  it("opens a room, or none", () => {
    expect(routeFromHash("#/rooms/r%201")).toEqual({ view: "rooms", roomId: "r 1" });
    expect(routeFromHash("")).toEqual({ view: "rooms", roomId: null });
    expect(routeFromHash("#/nowhere")).toEqual({ view: "rooms", roomId: null });
    expect(roomFromHash("#/support")).toBeNull();
  });

  it("opens a room at one of its messages (a search result)", () => {
    expect(messageHref("r 1", 42)).toBe("#/rooms/r%201/at/42");
    expect(routeFromHash(messageHref("r 1", 42))).toEqual({ view: "rooms", roomId: "r 1", focusSeq: 42 });
    expect(roomFromHash("#/rooms/r1/at/7")).toBe("r1");
    expect(routeFromHash("#/rooms/r1/at/-1")).toEqual({ view: "rooms", roomId: null });
    expect(routeFromHash("#/rooms/r1/at/x")).toEqual({ view: "rooms", roomId: null });
  });

  it("opens the Support area, a website at its first section, or at one section", () => {
    const support = { view: "support", conversationId: null };
    expect(routeFromHash("#/support")).toEqual({ ...support, websiteId: null, section: "install" });
    expect(routeFromHash("#/support/w1")).toEqual({ ...support, websiteId: "w1", section: "install" });
    expect(routeFromHash("#/support/w1/team")).toEqual({ ...support, websiteId: "w1", section: "team" });
    expect(routeFromHash("#/support/w1/nonsense")).toEqual({ ...support, websiteId: "w1", section: "install" });
    expect(routeFromHash(websiteHref("w 1", "domains"))).toEqual({ ...support, websiteId: "w 1", section: "domains" });
  });

  it("opens a conversation in a website's inbox", () => {
    expect(routeFromHash("#/support/w1/inbox")).toEqual({ view: "support", websiteId: "w1", section: "inbox", conversationId: null });
    expect(routeFromHash(conversationHref("w1", "r 1"))).toEqual({ view: "support", websiteId: "w1", section: "inbox", conversationId: "r 1" });
    expect(conversationHref("w1", "r1")).toBe("#/support/w1/inbox/r1");
    // Only the inbox has conversations.
    expect(routeFromHash("#/support/w1/team/r1")).toEqual({ view: "support", websiteId: "w1", section: "team", conversationId: null });
  });
});
