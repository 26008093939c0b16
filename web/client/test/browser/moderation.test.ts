/**
 * Moderation in the client (api.md §3.13): Alice, the owner of a public room, bans Bob from
 * the members panel on gateway 1; Bob's client on gateway 2 loses the room at once and his
 * invite link is refused; she lifts the ban from the panel's "Banned" list and the link lets him
 * back in. Then she sets the room's topic in "Room settings": Bob sees it live, with its system
 * line. Finally she deletes the room, and it leaves Bob's list.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, roomEntry, webSuite } from "./browser";

const suite = webSuite();

describe("moderating a room", () => {
  it("bans and unbans a member, changes the topic live, and deletes the room", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: roomId } = await alice.api.createGroupRoom("book club", "public");
    await bob.api.joinRoom(roomId);
    const { code } = await alice.api.createInvite(roomId);

    const a = await openClient(browser, stack, { gateway: gw1 });
    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(a, alice);
    await logIn(b, bob);
    await enterRoom(a, "book club");
    await enterRoom(b, "book club");

    // Banned: off Alice's members and onto her "Banned" list; the room leaves Bob's client.
    await a.getByRole("button", { name: /^Members/ }).click();
    const panel = a.getByRole("complementary", { name: "Members" });
    await panel.getByRole("button", { name: `Ban ${bob.username}`, exact: true }).click();
    const banned = panel.getByRole("list", { name: "Banned" });
    await banned.getByRole("listitem", { name: bob.username }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => panel.getByRole("button", { name: `Ban ${bob.username}`, exact: true }).count(), { timeout: PATIENCE }).toBe(0);
    await expect.poll(() => roomEntry(b, "book club").count(), { timeout: PATIENCE }).toBe(0);
    await a.getByText(`You banned ${bob.username}`, { exact: true }).waitFor({ timeout: PATIENCE });

    // His invite link is refused while he is banned.
    const invite = `${stack.apiUrl}/?gateway=${encodeURIComponent(gw2)}#/invite/${code}`;
    await b.goto(invite);
    const page = b.getByRole("main", { name: "Invite" });
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("alert").getByText("You are banned from this room.").waitFor({ timeout: PATIENCE });

    // Unbanned: the link lets him back in.
    await banned.getByRole("button", { name: `Unban ${bob.username}` }).click();
    await expect.poll(() => banned.count(), { timeout: PATIENCE }).toBe(0);
    await b.reload();
    await page.getByRole("button", { name: "Join" }).click();
    await b.getByRole("main", { name: "book club" }).waitFor({ timeout: PATIENCE });

    // A new topic reaches Bob live: in the room's header, and as a line in its timeline.
    await a.getByRole("button", { name: "Room settings" }).click();
    const settings = a.getByRole("complementary", { name: "Room settings" });
    await settings.getByLabel("Topic").fill("Novels of 2026");
    await settings.getByLabel("Description").fill("We read.\nThen we talk.");
    await settings.getByRole("button", { name: "Save" }).click();
    await b.getByLabel("Topic").getByText("Novels of 2026").waitFor({ timeout: PATIENCE });
    await b.getByText(`${alice.username} set the topic: Novels of 2026`, { exact: true }).waitFor({ timeout: PATIENCE });

    // Deleted by its owner: gone from both clients.
    await a.getByRole("button", { name: "Room settings" }).click();
    await settings.getByRole("button", { name: "Delete room" }).click();
    await settings.getByRole("button", { name: "Delete for everyone" }).click();
    await expect.poll(() => roomEntry(a, "book club").count(), { timeout: PATIENCE }).toBe(0);
    await expect.poll(() => roomEntry(b, "book club").count(), { timeout: PATIENCE }).toBe(0);
  });
});
