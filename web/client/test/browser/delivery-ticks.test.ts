/**
 * The ticks of one's own messages follow the message to the other person's device and eyes
 * (docs/api.md §3.10): Alice writes while Bob is away ("Sent"); Bob signs in on another
 * gateway, and his client acknowledges what it received ("Delivered", without Alice
 * reloading); Bob opens the room ("Read").
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, messageRows, openClient, seeOnce, send, webSuite } from "./browser";

const suite = webSuite();

describe("delivery ticks", () => {
  it("go from sent to delivered when the other person's client gets the message, and to read when they open the room", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: roomId } = await alice.api.createGroupRoom("ticks");
    await bob.api.joinRoom(roomId);

    const a = await openClient(browser, stack, { gateway: gw1 });
    await logIn(a, alice);
    await enterRoom(a, "ticks");
    await send(a, "are you there?");
    const row = await seeOnce(a, "are you there?");
    // Bob has never been online: the server has the message, his devices do not.
    await row.getByRole("img", { name: "Sent" }).waitFor({ timeout: PATIENCE });
    expect(await row.getByRole("img", { name: /Delivered|Read/ }).count()).toBe(0);

    // Bob signs in on the other gateway; he does not open the room.
    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(b, bob);
    await b.getByRole("navigation", { name: "Rooms" }).getByText("ticks", { exact: true }).waitFor({ timeout: PATIENCE });
    await row.getByRole("img", { name: "Delivered" }).waitFor({ timeout: PATIENCE });
    expect(await messageRows(a, "are you there?").getByRole("img", { name: "Read" }).count()).toBe(0);

    // He opens it: read.
    await enterRoom(b, "ticks");
    await seeOnce(b, "are you there?");
    await row.getByRole("img", { name: "Read" }).waitFor({ timeout: PATIENCE });
  });
});
