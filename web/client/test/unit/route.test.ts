import { describe, expect, it } from "vitest";

import { describeInvite } from "../../src/ui/InviteDialog";
import { conversationHref, inviteHref, messageHref, roomFromHash, routeFromHash, websiteHref } from "../../src/ui/route";

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

describe("an invite link's route", () => {
  it("opens the invite's page for a code, and the rooms for anything else", () => {
    const code = "AZOhsnw9fk-Km-3Pa1K7aw8zJ8vLW2N1b0Zz8mD2nJY";
    expect(routeFromHash(inviteHref(code))).toEqual({ view: "invite", code });
    expect(routeFromHash("#/invite/")).toEqual({ view: "rooms", roomId: null });
    expect(routeFromHash("#/invite/a%2Fb")).toEqual({ view: "rooms", roomId: null });
  });
});

describe("an invite in the dialog's list", () => {
  const invite = { invite_id: "i", created_by: "u", created_at: "2026-12-08T00:00:00Z", max_uses: null, uses: 2 };
  const now = new Date("2026-12-08T00:00:00Z");
  it("says its uses and when it ends", () => {
    expect(describeInvite({ ...invite, expires_at: null }, now)).toBe("2 used, never expires");
    expect(describeInvite({ ...invite, max_uses: 5, expires_at: "2026-12-08T00:30:00Z" }, now)).toBe("2 of 5 used, expires in 30 min");
    expect(describeInvite({ ...invite, expires_at: "2026-12-09T00:00:00Z" }, now)).toBe("2 used, expires in 24 h");
    expect(describeInvite({ ...invite, expires_at: "2026-12-15T00:00:00Z" }, now)).toBe("2 used, expires in 7 days");
  });
});
