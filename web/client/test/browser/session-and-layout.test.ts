/**
 * The views a person meets first and the ways they come back: the login form, registering and
 * creating a room through the UI, a reload that keeps the login, the open room and its
 * messages, the composer's keys, logging out, a phone-sized screen in the system's dark mode (the list, then the room, then back), and an axe-core check
 * (no serious or critical violation) of the login, the room list with a room, and the members
 * panel. Screenshots of each.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, roomEntry, screenshot, seeOnce, send, seriousViolations, webSuite } from "./browser";

const suite = webSuite();

describe("the client's views", () => {
  it("registers, creates a room, and a reload restores the login, the room and its messages", async () => {
    const { stack, browser } = suite();
    const page = await openClient(browser, stack, { bypassCSP: true });
    await page.getByRole("button", { name: "Log in" }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "login");

    const username = `carol_${Date.now().toString(36)}`;
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("correct horse battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "New conversation" }).click();
    await page.getByRole("list", { name: "Public rooms" }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("New group room").fill("plans");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "plans", level: 2 }).waitFor({ timeout: PATIENCE });
    expect(page.url()).toMatch(/#\/rooms\/[0-9a-f-]{36}$/);
    const roomUrl = page.url();

    for (const text of ["first", "second", "third"]) await send(page, text);
    for (const text of ["first", "second", "third"]) await seeOnce(page, text);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /^Members/ }).click();
    await page.getByRole("complementary", { name: "Members" }).getByText("owner").waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);

    await page.reload();
    await page.getByRole("heading", { name: "plans", level: 2 }).waitFor({ timeout: PATIENCE });
    expect(page.url()).toBe(roomUrl);
    for (const text of ["first", "second", "third"]) await seeOnce(page, text);
    await expect.poll(() => page.getByRole("button", { name: "Log in" }).count()).toBe(0);

    // The keyboard: Shift+Enter is a new line, Up edits the last message, Esc cancels.
    const box = page.getByRole("textbox", { name: /^Message / });
    await box.press("ArrowUp");
    await expect.poll(() => box.inputValue()).toBe("third");
    await page.getByText("Editing your message").waitFor({ timeout: PATIENCE });
    await box.press("Escape");
    await expect.poll(() => box.inputValue()).toBe("");
    expect(await page.getByText("Editing your message").count()).toBe(0);
    await box.pressSequentially("two");
    await box.press("Shift+Enter");
    await box.pressSequentially("lines");
    await expect.poll(() => box.inputValue()).toBe("two\nlines");
    await box.press("Enter");
    await expect.poll(() => page.getByRole("article").filter({ hasText: "two\nlines" }).count(), { timeout: PATIENCE }).toBe(1);

    // Her display name: shown atop the list, changed there, kept by the server.
    await page.getByRole("button", { name: `${username} (change your display name)` }).click();
    await page.getByLabel("Display name").fill("Carol Danvers");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Carol Danvers (change your display name)" }).waitFor({ timeout: PATIENCE });
    await page.reload();
    await page.getByRole("button", { name: "Carol Danvers (change your display name)" }).waitFor({ timeout: PATIENCE });

    // Logging out forgets the login, also across a reload.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("button", { name: "Log in" }).waitFor({ timeout: PATIENCE });
    await page.reload();
    await page.getByRole("button", { name: "Log in" }).waitFor({ timeout: PATIENCE });
  });

  it("works on a phone: the list, then the room, then back", async () => {
    const { stack, browser } = suite();
    const dave = await stack.account("dave");
    await dave.api.createGroupRoom("pocket");
    const page = await openClient(browser, stack, { viewport: { width: 375, height: 740 }, colorScheme: "dark" });
    await logIn(page, dave);
    const list = page.getByRole("navigation", { name: "Rooms" });
    await roomEntry(page, "pocket").waitFor({ timeout: PATIENCE });
    // The system's dark preference applies without touching the toggle.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(22, 24, 29)");
    await screenshot(page, "phone-list-dark");

    await enterRoom(page, "pocket");
    expect(await list.isVisible()).toBe(false);
    await send(page, "from my phone");
    await seeOnce(page, "from my phone");
    await screenshot(page, "phone-room-dark");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.getByRole("button", { name: "Back to rooms" }).click();
    await roomEntry(page, "pocket").waitFor({ timeout: PATIENCE });
    expect(await page.getByRole("heading", { name: "pocket", level: 2 }).isVisible()).toBe(false);
  });
});
