import { describe, expect, it } from "vitest";

import { type MemberMarkers, messageStatus } from "../../src/status";

const [ME, BOB, CAROL, VISITOR] = ["me", "bob", "carol", "visitor"];

function member(user_id: string, delivered_seq: number, last_read_seq: number): MemberMarkers {
  return { user_id, delivered_seq, last_read_seq };
}

describe("messageStatus", () => {
  it("is sending while the post is in the outbox, then sent", () => {
    const members = [member(ME, 9, 9), member(BOB, 2, 2)];
    expect(messageStatus({ seq: null, author: ME, members }).status).toBe("sending");
    expect(messageStatus({ seq: 5, author: ME, members })).toEqual({ status: "sent", recipients: 1, delivered: 0, read: 0 });
  });

  it("is delivered once every other member's devices have it, read once every other member read it", () => {
    const seq = 5;
    const some = [member(ME, 9, 9), member(BOB, 5, 2), member(CAROL, 4, 4)];
    expect(messageStatus({ seq, author: ME, members: some })).toEqual({ status: "sent", recipients: 2, delivered: 1, read: 0 });
    const all = [member(ME, 9, 9), member(BOB, 5, 2), member(CAROL, 6, 4)];
    expect(messageStatus({ seq, author: ME, members: all })).toEqual({ status: "delivered", recipients: 2, delivered: 2, read: 0 });
    const readByOne = [member(ME, 9, 9), member(BOB, 5, 5), member(CAROL, 6, 4)];
    expect(messageStatus({ seq, author: ME, members: readByOne }).status).toBe("delivered");
    const readByAll = [member(ME, 0, 0), member(BOB, 5, 5), member(CAROL, 6, 7)];
    expect(messageStatus({ seq, author: ME, members: readByAll })).toEqual({ status: "read", recipients: 2, delivered: 2, read: 2 });
  });

  it("takes read as delivered even when the delivery marker trails", () => {
    expect(messageStatus({ seq: 5, author: ME, members: [member(BOB, 0, 5)] }).status).toBe("read");
    expect(messageStatus({ seq: 5, author: ME, members: [member(BOB, 3, 6)] })).toMatchObject({ delivered: 1, read: 1 });
  });

  it("stays sent in a room with no one else (the author's own devices do not count)", () => {
    expect(messageStatus({ seq: 3, author: ME, members: [member(ME, 9, 9)] })).toEqual({ status: "sent", recipients: 0, delivered: 0, read: 0 });
  });

  it("in a support conversation: a visitor's message is for any agent, an agent's for the visitor", () => {
    const members = [member(VISITOR, 9, 9), member(BOB, 5, 1), member(CAROL, 1, 1)];
    const support = { visitor: VISITOR };
    expect(messageStatus({ seq: 5, author: VISITOR, members, support })).toEqual({ status: "delivered", recipients: 2, delivered: 1, read: 0 });
    expect(messageStatus({ seq: 9, author: BOB, members, support })).toEqual({ status: "read", recipients: 1, delivered: 1, read: 1 });
    expect(messageStatus({ seq: 10, author: BOB, members, support }).status).toBe("sent");
  });
});
