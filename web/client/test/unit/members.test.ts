import { describe, expect, it } from "vitest";

import type { EventFrame, MemberView, RoomEvent } from "../../../sdk/src/index";
import { RoomMembers } from "../../src/model/members";

function frame(seq: number, event: RoomEvent): EventFrame {
  return { type: "event", room_id: "r", seq, event, event_version: "1.0", actor: null, at: "2026-01-01T00:00:00Z" };
}

const owner: MemberView = {
  user_id: "me",
  username: "me",
  display_name: "me",
  role: "owner",
  joined_seq: 2,
  last_read_seq: 2,
  delivered_seq: 2,
  presence: "online",
  presence_since: null,
};

describe("RoomMembers", () => {
  it("follows joins, role changes, read markers and leaves", () => {
    const members = new RoomMembers();
    members.set("r", [owner]);
    members.apply(frame(3, { type: "MemberJoined", user_id: "bob", role: "member", added_by: null }));
    members.apply(frame(4, { type: "MemberRoleChanged", user_id: "bob", role: "admin", changed_by: "me" }));
    const markers = () => members.get("r").map((member) => [member.user_id, member.role, member.delivered_seq, member.last_read_seq]);
    expect(markers()).toEqual([
      ["me", "owner", 2, 2],
      ["bob", "admin", 3, 3],
    ]);
    members.apply(frame(6, { type: "ReadMarkerMoved", user_id: "bob", up_to_seq: 5 }));
    expect(markers()[1]).toEqual(["bob", "admin", 5, 5]);
    members.apply(frame(7, { type: "MemberLeft", user_id: "bob", removed_by: null }));
    expect(members.get("r").map((member) => member.user_id)).toEqual(["me"]);
  });

  it("ignores rooms whose members are not loaded and repeated joins", () => {
    const members = new RoomMembers();
    members.apply(frame(3, { type: "MemberJoined", user_id: "bob", role: "member", added_by: null }));
    expect(members.has("r")).toBe(false);
    members.set("r", [owner]);
    members.apply(frame(2, { type: "MemberJoined", user_id: "me", role: "owner", added_by: null }));
    expect(members.get("r")).toEqual([owner]);
  });

  it("moves delivery markers forward on receipts, and never back", () => {
    const members = new RoomMembers();
    members.set("r", [owner, { ...owner, user_id: "bob", role: "member" }]);
    const receipt = (delivered_seq: number, read_seq: number) => ({ type: "receipt" as const, room_id: "r", user_id: "bob", delivered_seq, read_seq });
    expect(members.receipt(receipt(7, 2))).toBe(true);
    expect(members.receipt(receipt(5, 2))).toBe(false);
    expect(members.receipt({ ...receipt(9, 9), user_id: "carol" })).toBe(false);
    expect(members.receipt({ ...receipt(9, 9), room_id: "elsewhere" })).toBe(false);
    expect(members.get("r").find((member) => member.user_id === "bob")).toMatchObject({ delivered_seq: 7, last_read_seq: 2 });
    expect(members.receipt(receipt(7, 8))).toBe(true);
    expect(members.get("r").find((member) => member.user_id === "bob")).toMatchObject({ delivered_seq: 8, last_read_seq: 8 });
  });
});
