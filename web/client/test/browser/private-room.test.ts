/**
 * A private room, managed from the members panel: its owner creates it (it is not in the public
 * directory), adds someone by username, who sees it arrive in their list and can chat (a link
 * in a message is a link); mention suggestions list the members; the
 * owner makes them an admin and back, and removes them, and the room leaves their list; each
 * change is a system line in the timeline, also after a reload. Axe checks the panel as its
 * owner sees it.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, roomEntry, screenshot, seeOnce, send, seriousViolations, webSuite } from "./browser";

const suite = webSuite();

describe("a private room", () => {
  it("is managed by its owner: add by username, make admin and back, remove", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    // (The users read model trails registration by a moment.)
    await expect.poll(() => alice.api.findUser(bob.username), { timeout: PATIENCE }).not.toBeNull();

    const a = await openClient(browser, stack, { gateway: gw1, bypassCSP: true });
    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(a, alice);
    await logIn(b, bob);

    // Alice creates it private: the directory does not list it.
    await a.getByRole("button", { name: "New conversation" }).click();
    await a.getByLabel("New group room").fill("secret plans");
    await a.getByRole("checkbox", { name: "Public" }).uncheck();
    await a.getByRole("button", { name: "Create" }).click();
    await a.getByRole("heading", { name: "secret plans", level: 2 }).waitFor({ timeout: PATIENCE });
    await b.getByRole("button", { name: "New conversation" }).click();
    await b.getByLabel("Find a public room").fill("secret");
    await b.getByRole("list", { name: "Public rooms" }).getByText("No public room is called that.").waitFor({ timeout: PATIENCE });

    // She adds Bob by username (any case): the room arrives in his list, and they chat.
    await a.getByRole("button", { name: /^Members/ }).click();
    const panel = a.getByRole("complementary", { name: "Members" });
    await panel.getByLabel("Add someone").fill(bob.username.toUpperCase());
    await panel.getByRole("button", { name: "Add" }).click();
    await panel.getByRole("listitem", { name: bob.username }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(a)).toEqual([]);
    await screenshot(a, "private-room-members");
    await enterRoom(b, "secret plans");
    await send(b, "thanks! notes at https://example.com/plans?v=2.");
    await seeOnce(a, "thanks! notes at https://example.com/plans?v=2.");
    // The link is a link (to a new tab, without an opener); the full stop stays text.
    const link = a.getByRole("link", { name: "https://example.com/plans?v=2", exact: true });
    expect([await link.getAttribute("href"), await link.getAttribute("target"), await link.getAttribute("rel")]).toEqual([
      "https://example.com/plans?v=2",
      "_blank",
      "noopener noreferrer nofollow",
    ]);

    // Mention suggestions list the room's members (not herself); Esc dismisses them.
    const box = a.getByRole("textbox", { name: /^Message / });
    await box.pressSequentially("@");
    const suggestions = a.getByRole("listbox", { name: "Members to mention" });
    await expect.poll(() => suggestions.getByRole("option").allTextContents(), { timeout: PATIENCE }).toEqual([`${bob.username} @${bob.username}`]);
    expect(await seriousViolations(a)).toEqual([]);
    await box.press("Escape");
    await expect.poll(() => suggestions.count()).toBe(0);
    await box.fill("");

    // Admin and back: Bob's own panel shows his role.
    await panel.getByRole("button", { name: `Make admin ${bob.username}` }).click();
    await b.getByRole("button", { name: /^Members/ }).click();
    const bobsView = b.getByRole("complementary", { name: "Members" }).getByRole("listitem", { name: bob.username });
    await bobsView.getByText("admin").waitFor({ timeout: PATIENCE });
    await panel.getByRole("button", { name: `Make member ${bob.username}` }).click();
    await expect.poll(() => bobsView.getByText("admin").count(), { timeout: PATIENCE }).toBe(0);

    // Removed: off Alice's members, and the room off Bob's list.
    await panel.getByRole("button", { name: `Remove ${bob.username}` }).click();
    await expect.poll(() => panel.getByRole("listitem", { name: bob.username }).count(), { timeout: PATIENCE }).toBe(0);
    await expect.poll(() => roomEntry(b, "secret plans").count(), { timeout: PATIENCE }).toBe(0);

    // Each change stands between the messages as a system line: live, and again after a
    // reload, from the history.
    const lines = [
      "You created the room",
      `You added ${bob.username}`,
      `You made ${bob.username} an admin`,
      `You made ${bob.username} a member`,
      `You removed ${bob.username}`,
    ];
    const timeline = a.getByLabel("Messages in secret plans");
    for (const line of lines) await timeline.getByText(line, { exact: true }).waitFor({ timeout: PATIENCE });
    // (After the reload Bob, who shares no room with Alice any more, is named by his short id:
    // profiles are shown to people who share a room.)
    await a.reload();
    const named = (line: string) => new RegExp(`^${line.replace(bob.username, "\\S+")}$`);
    for (const line of lines) await timeline.getByText(named(line)).waitFor({ timeout: PATIENCE });
    await expect.poll(() => timeline.getByText(named(`You added ${bob.username}`)).count()).toBe(1);
  });
});
