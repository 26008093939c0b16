/**
 * A room with 2 000 messages: the page keeps only the rows near the viewport in the DOM, and
 * scrolling up loads older messages page after page, keeping the row count small.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, seeOnce, webSuite } from "./browser";

const MESSAGES = 2_000;
const SENDERS = 16;

const suite = webSuite();

describe("a long history", () => {
  it("renders a window of rows and loads older ones on scrolling up", async () => {
    const { stack, browser } = suite();
    const erin = await stack.account("erin");
    const { room_id: roomId } = await erin.api.createGroupRoom("archive");
    const bodies = Array.from({ length: MESSAGES }, (_, index) => `msg-${String(index).padStart(4, "0")}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        // Each sender takes the next body; the server orders them by arrival, which is fine here.
        for (let index = next++; index < MESSAGES; index = next++) await erin.api.postMessage(roomId, bodies[index] ?? "");
      }),
    );
    const newest = (await erin.api.history(roomId, { limit: 1 })).messages[0]?.body;
    if (newest == null) throw new Error("the history has no messages");

    const page = await openClient(browser, stack);
    await logIn(page, erin);
    await enterRoom(page, "archive");
    await seeOnce(page, newest);
    const log = page.getByRole("log", { name: "Messages in archive" });
    const rows = page.getByRole("article");
    expect(await rows.count()).toBeLessThan(60);

    // Scroll to the top, page after page: older messages come in, the DOM stays small.
    const ordered: string[] = [];
    for await (const page of erin.api.historyPages(roomId, { limit: 200 })) ordered.push(...page.messages.map((message) => message.body ?? ""));
    ordered.reverse();
    const scrollHeight = () => log.evaluate((element) => element.scrollHeight);
    await log.hover();
    for (let pages = 0; pages < 12; pages += 1) {
      const height = await scrollHeight();
      // As a person does: turn the wheel up until more history has come in.
      await expect
        .poll(
          async () => {
            await page.mouse.wheel(0, -100_000);
            return scrollHeight();
          },
          { timeout: PATIENCE },
        )
        .toBeGreaterThan(height);
    }
    await page.mouse.wheel(0, -100_000);
    const top = await rows.first().getByText(/^msg-\d{4}$/).textContent();
    expect(ordered.indexOf(top ?? "")).toBeLessThan(MESSAGES - 500);
    expect(ordered.indexOf(top ?? "")).toBeGreaterThanOrEqual(0);
    expect(await rows.count()).toBeLessThan(80);

    // Back to the newest message in one click.
    await page.getByRole("button", { name: "Jump to latest ↓" }).click();
    await seeOnce(page, newest);
    await expect.poll(() => page.getByRole("button", { name: "Jump to latest ↓" }).count(), { timeout: PATIENCE }).toBe(0);
  });
});
