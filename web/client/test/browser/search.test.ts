/**
 * Search from the sidebar: Alice posts in a room and edits the message; buried under newer
 * messages (beyond the first page of history), it is found by its new text, and clicking the
 * result opens the room at the message, loaded and highlighted; the old text finds nothing.
 * And the members panel suggests people from the user directory as the owner types.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, messageRows, openClient, screenshot, seeOnce, send, seriousViolations, webSuite } from "./browser";

const suite = webSuite();

/** Newer messages than the edited one: more than a page of history (50). */
const BURY = 120;

describe("search", () => {
  it("finds an edited message by its new text and jumps to it, highlighted", async () => {
    const { stack, browser } = suite();
    const alice = await stack.account("alice");
    const { room_id: plans } = await alice.api.createGroupRoom("plans");
    await alice.api.createGroupRoom("elsewhere");
    const page = await openClient(browser, stack, { bypassCSP: true });
    await logIn(page, alice);

    await enterRoom(page, "plans");
    await send(page, "the meeting is on tuesday");
    await seeOnce(page, "the meeting is on tuesday");
    const composer = page.getByRole("textbox", { name: /^Message / });
    // Up edits the last own message, once the server has acknowledged it.
    await expect
      .poll(
        async () => {
          await composer.press("ArrowUp");
          return composer.inputValue();
        },
        { timeout: PATIENCE },
      )
      .toBe("the meeting is on tuesday");
    await send(page, "the meeting moved to thursday");
    await seeOnce(page, "the meeting moved to thursday");
    for (let start = 0; start < BURY; start += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, n) => alice.api.postMessage(plans, `later note ${start + n}`)));
    }
    await enterRoom(page, "elsewhere");

    // Searching (again while the index catches up) finds the message by its new text.
    const box = page.getByRole("searchbox", { name: "Search messages" });
    await box.fill("thursday");
    const results = page.getByRole("region", { name: "Search results" });
    const result = results.getByRole("link").filter({ hasText: "the meeting moved to thursday" });
    await expect
      .poll(
        async () => {
          await box.press("Enter");
          await results.getByRole("status").filter({ hasNotText: "Searching…" }).waitFor({ timeout: PATIENCE });
          return result.count();
        },
        { timeout: PATIENCE, interval: 1_000 },
      )
      .toBe(1);
    expect(await result.locator("mark").allTextContents()).toEqual(["thursday"]);
    expect(await result.textContent()).toContain("plans");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "search-results");

    // The result opens the room at the message: loaded from older history, in view, highlighted.
    await result.click();
    await page.getByRole("heading", { name: "plans", level: 2 }).waitFor({ timeout: PATIENCE });
    const target = messageRows(page, "the meeting moved to thursday");
    await expect.poll(() => target.getAttribute("aria-current"), { timeout: PATIENCE }).toBe("true");
    expect(await target.getAttribute("class")).toContain("highlighted");
    const log = page.getByRole("log", { name: "Messages in plans" });
    await expect
      .poll(
        async () => {
          const [row, view] = [await target.boundingBox(), await log.boundingBox()];
          return row !== null && view !== null && row.y >= view.y && row.y + row.height <= view.y + view.height;
        },
        { timeout: PATIENCE },
      )
      .toBe(true);
    expect(await page.getByRole("article").filter({ hasText: `later note ${BURY - 1}` }).count()).toBe(0);
    await screenshot(page, "search-jump");

    // The old text finds nothing.
    await box.fill("tuesday");
    await box.press("Enter");
    await results.getByText("Nothing found for “tuesday”.").waitFor({ timeout: PATIENCE });
    // Clearing brings the room list back.
    await results.getByRole("button", { name: "Clear" }).click();
    await page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: /plans/ }).waitFor({ timeout: PATIENCE });
  });

  it("suggests people who share a room when adding a member", async () => {
    const { stack, browser } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: shared } = await alice.api.createGroupRoom("shared");
    await bob.api.joinRoom(shared);
    await alice.api.createGroupRoom("band");
    await expect.poll(async () => (await alice.api.searchUsers(bob.username)).length, { timeout: PATIENCE }).toBe(1);

    const page = await openClient(browser, stack);
    await logIn(page, alice);
    await enterRoom(page, "band");
    await page.getByRole("button", { name: /^Members/ }).click();
    const panel = page.getByRole("complementary", { name: "Members" });
    await panel.getByLabel("Add someone").fill(bob.username.slice(0, 4));
    await panel.getByRole("list", { name: "People to add" }).getByRole("button", { name: new RegExp(`@${bob.username}`) }).click();
    await panel.getByRole("listitem", { name: bob.username, exact: true }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => panel.getByLabel("Add someone").inputValue()).toBe("");
  });
});
