import { describe, expect, it } from "vitest";

import { ChatApiError, type UserView } from "../../../sdk/src/index";
import { People } from "../../src/model/people";

function profile(userId: string, username: string): UserView {
  return { user_id: userId, username, display_name: username, registered_at: "2026-01-01T00:00:00Z", presence: "online", presence_since: null };
}

describe("People", () => {
  it("names someone by a short id until their profile is read, retrying while the API does not show it yet", async () => {
    let calls = 0;
    let changes = 0;
    const people = new People(
      {
        user: async (userId: string) => {
          calls += 1;
          if (calls === 1) throw new ChatApiError({ status: 404, code: "user_not_found", message: "not yet" });
          return profile(userId, "bob");
        },
      },
      () => (changes += 1),
    );
    const learning = people.learn("0123456789abcdef");
    expect(people.get("0123456789abcdef").name).toBe("01234567");
    await learning;
    expect(people.get("0123456789abcdef")).toEqual({ name: "bob", username: "bob", presence: "online" });
    expect(people.byUsername("bob")).toBe("0123456789abcdef");
    expect([calls, changes]).toEqual([2, 1]);
    await people.learn("0123456789abcdef");
    expect(calls).toBe(2);
  });

  it("takes names and presence from a room's members, and presence updates", () => {
    const people = new People({ user: () => Promise.reject(new Error("not called")) }, () => undefined);
    people.addMembers([
      { user_id: "u1", username: "carol", display_name: "Carol C.", role: "owner", joined_seq: 2, last_read_seq: 2, delivered_seq: 2, presence: "away", presence_since: null },
    ]);
    people.setPresence("u1", "online");
    expect(people.get("u1")).toEqual({ name: "Carol C.", username: "carol", presence: "online" });
  });
});
