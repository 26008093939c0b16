/**
 * Two people, each in their own browser profile and pinned to a different gateway, chat in a
 * room that one of them found in the public directory: every message appears once and in order on the other side, and so do replies, edits,
 * deletes, reactions, the typing indicator and the read ticks; a direct conversation opened by
 * username shows up in the other's list with presence, unread and mention badges, and one with
 * a stranger opens from their exact username; leaving takes
 * the room off the list and the person off the members. Screenshots of the room, in light and
 * dark mode.
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { PATIENCE, cspRefusals, enterRoom, logIn, messageRows, openClient, roomEntry, screenshot, seeOnce, send, visibleBodies, webSuite } from "./browser";

const suite = webSuite();

describe("two people on two gateways", () => {
  it("see each other's messages, replies, edits, deletes, reactions, typing and read ticks", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    await alice.api.createGroupRoom("general");
    await alice.api.createGroupRoom("random");

    const a: Page = await openClient(browser, stack, { gateway: gw1 });
    const b: Page = await openClient(browser, stack, { gateway: gw2 });
    await logIn(a, alice);
    await logIn(b, bob);
    await enterRoom(a, "general");

    // Bob finds the room in the public directory by part of its name, and joins it.
    await b.getByRole("button", { name: "New conversation" }).click();
    await b.getByLabel("Find a public room").fill("GEN");
    const publicRooms = b.getByRole("list", { name: "Public rooms" });
    await expect.poll(() => publicRooms.getByRole("listitem").allTextContents(), { timeout: PATIENCE }).toEqual(["general1 memberJoin"]);
    await publicRooms.getByRole("listitem", { name: "general" }).getByRole("button", { name: "Join" }).click();
    await b.getByRole("heading", { name: "general", level: 2 }).waitFor({ timeout: PATIENCE });

    // Messages: once each, in the order sent.
    const sent = ["hello bob", "one", "two", "three", "four"];
    for (const text of sent) await send(a, text);
    for (const text of sent) await seeOnce(b, text);
    expect(await visibleBodies(b)).toEqual(sent);
    // The day's messages sit under its name; what came while Bob looked is not "new".
    await b.getByRole("separator", { name: "Today" }).waitFor({ timeout: PATIENCE });
    expect(await b.getByRole("separator", { name: "New messages" }).count()).toBe(0);

    // Typing: Bob types, Alice sees it; sending ends it.
    await b.getByRole("textbox", { name: /^Message / }).fill("typing a reply");
    const typing = a.getByRole("status").filter({ hasText: `${bob.username} is typing…` });
    await typing.waitFor({ timeout: PATIENCE });

    // Reply.
    await messageRows(b, "hello bob").getByRole("button", { name: "Reply" }).click();
    await send(b, "hi alice");
    const reply = await seeOnce(a, "hi alice");
    await expect.poll(() => reply.textContent(), { timeout: PATIENCE }).toContain(`Reply to ${alice.username}: hello bob`);
    await expect.poll(() => typing.count(), { timeout: PATIENCE }).toBe(0);

    // Edit (with the keyboard: Up edits the last own message).
    await a.getByRole("textbox", { name: /^Message / }).press("ArrowUp");
    await expect.poll(() => a.getByRole("textbox", { name: /^Message / }).inputValue()).toBe("four");
    await send(a, "four, edited");
    const edited = await seeOnce(b, "four, edited");
    await expect.poll(() => edited.textContent(), { timeout: PATIENCE }).toContain("(edited)");
    await expect.poll(() => messageRows(b, "four").count()).toBe(0);

    // Delete.
    await messageRows(a, "three").getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => messageRows(b, "three").count(), { timeout: PATIENCE }).toBe(0);
    await seeOnce(b, "Message deleted");

    // Reaction.
    await messageRows(b, "two").getByRole("button", { name: "React 👍" }).click();
    await messageRows(a, "two").getByRole("button", { name: "👍 1" }).waitFor({ timeout: PATIENCE });

    // Read ticks: Bob has the room open, so Alice's messages turn to "read".
    await messageRows(a, "one").getByRole("img", { name: "Read" }).waitFor({ timeout: PATIENCE });

    // The client runs under the API's Content-Security-Policy without a refusal.
    expect([cspRefusals(a), cspRefusals(b)]).toEqual([[], []]);

    // Nothing duplicated on either side.
    for (const page of [a, b]) {
      for (const text of ["hello bob", "one", "two", "hi alice", "four, edited"]) expect(await messageRows(page, text).count()).toBe(1);
    }

    // A direct conversation, opened by username: Bob's list shows it under Alice's name, with
    // her presence, an unread badge and a mention badge.
    await a.getByRole("button", { name: "New conversation" }).click();
    await a.getByLabel("Direct message").fill(bob.username);
    await a.getByRole("button", { name: "Open" }).click();
    await a.getByRole("heading", { name: bob.username, level: 2 }).waitFor({ timeout: PATIENCE });
    // The mention is completed from the members: "@bo", Tab.
    const box = a.getByRole("textbox", { name: /^Message / });
    await box.pressSequentially("@bo");
    await a.getByRole("listbox", { name: "Members to mention" }).getByRole("option", { name: new RegExp(`@${bob.username}`) }).waitFor({ timeout: PATIENCE });
    await box.press("Tab");
    await expect.poll(() => box.inputValue()).toBe(`@${bob.username} `);
    await box.pressSequentially("just us");
    await box.press("Enter");
    const direct = roomEntry(b, alice.username);
    await direct.getByRole("img", { name: "online" }).waitFor({ timeout: PATIENCE });
    await direct.getByLabel("1 unread").waitFor({ timeout: PATIENCE });
    await direct.getByLabel("1 mention").waitFor({ timeout: PATIENCE });
    await expect.poll(() => b.title(), { timeout: PATIENCE }).toBe("(1) Chat");
    await enterRoom(b, alice.username);
    await seeOnce(b, `@${bob.username} just us`);
    await b.getByRole("separator", { name: "New messages" }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => direct.getByLabel("1 unread").count(), { timeout: PATIENCE }).toBe(0);
    await expect.poll(() => b.title(), { timeout: PATIENCE }).toBe("Chat");

    // Someone Alice shares no room with is found by their exact username (any case); a name no
    // one has is said so.
    const carol = await stack.account("carol");
    // (The users read model trails registration by a moment.)
    await expect.poll(() => alice.api.findUser(carol.username), { timeout: PATIENCE }).not.toBeNull();
    await a.getByRole("button", { name: "New conversation" }).click();
    await a.getByLabel("Direct message").fill(`${carol.username}x`);
    await a.getByRole("button", { name: "Open" }).click();
    await a.getByRole("alert").filter({ hasText: `No one is called “${carol.username}x”.` }).waitFor({ timeout: PATIENCE });
    await a.getByRole("button", { name: "Dismiss" }).click();
    await a.getByLabel("Direct message").fill(carol.username.toUpperCase());
    await a.getByRole("button", { name: "Open" }).click();
    await a.getByRole("heading", { name: carol.username, level: 2 }).waitFor({ timeout: PATIENCE });

    await enterRoom(a, "general");
    await screenshot(a, "room-light");
    await a.getByRole("button", { name: "Members (2)" }).click();
    await a.getByRole("complementary", { name: "Members" }).getByText(bob.username).waitFor({ timeout: PATIENCE });
    await a.getByRole("button", { name: "Dark mode" }).click();
    await expect.poll(() => a.evaluate(() => document.documentElement.dataset["theme"])).toBe("dark");
    await screenshot(a, "room-dark-members");

    // Bob leaves: the room is off his list, and off Alice's member list.
    await enterRoom(b, "general");
    await b.getByRole("button", { name: "Leave" }).click();
    await expect.poll(() => roomEntry(b, "general").count(), { timeout: PATIENCE }).toBe(0);
    await a.getByRole("button", { name: "Members (1)" }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => a.getByRole("complementary", { name: "Members" }).getByText(bob.username).count()).toBe(0);
  });
});
