import { describe, expect, it } from "vitest";

import { roomFromHash, routeFromHash, websiteHref } from "../../src/ui/route";

describe("the route in the URL's hash", () => {
  it("opens a room, or none", () => {
    expect(routeFromHash("#/rooms/r%201")).toEqual({ view: "rooms", roomId: "r 1" });
    expect(routeFromHash("")).toEqual({ view: "rooms", roomId: null });
    expect(routeFromHash("#/nowhere")).toEqual({ view: "rooms", roomId: null });
    expect(roomFromHash("#/support")).toBeNull();
  });

  it("opens the Support area, a website at its first section, or at one section", () => {
    expect(routeFromHash("#/support")).toEqual({ view: "support", websiteId: null, section: "install" });
    expect(routeFromHash("#/support/w1")).toEqual({ view: "support", websiteId: "w1", section: "install" });
    expect(routeFromHash("#/support/w1/team")).toEqual({ view: "support", websiteId: "w1", section: "team" });
    expect(routeFromHash("#/support/w1/nonsense")).toEqual({ view: "support", websiteId: "w1", section: "install" });
    expect(routeFromHash(websiteHref("w 1", "domains"))).toEqual({ view: "support", websiteId: "w 1", section: "domains" });
  });
});
