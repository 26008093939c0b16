/**
 * Files in the web client (docs/api.md §13): Alice, on one gateway, attaches an image and a text
 * file through the attach button and sends them; Bob, on the other gateway, sees the image's
 * thumbnail really loaded through its signed URL and the file's download chip, and opens the
 * image in a lightbox that Escape closes. A refused file shows the server's reason on its chip;
 * an upload cancelled while it goes up leaves no chip and posts nothing.
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { PATIENCE, cspRefusals, enterRoom, logIn, openClient, seeOnce, send, webSuite } from "./browser";

const suite = webSuite();

/** An 8×6 red PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAgAAAAGCAIAAABxZ0isAAAAEUlEQVR4nGM4ISeHFTEMpAQAaYgwwWSFouIAAAAASUVORK5CYII=", "base64");

function chips(page: Page) {
  return page.getByRole("list", { name: "Files to send" }).getByRole("listitem");
}

async function attach(page: Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles(files);
}

describe("attachments", () => {
  it("upload an image, the other side sees it", async () => {
    const { stack, browser, gateways: [gw1, gw2] } = suite();
    const alice = await stack.account("alice");
    const bob = await stack.account("bob");
    const { room_id: roomId } = await alice.api.createGroupRoom("files");
    await bob.api.joinRoom(roomId);

    const a = await openClient(browser, stack, { gateway: gw1 });
    await logIn(a, alice);
    await enterRoom(a, "files");
    await expect.poll(() => a.getByRole("button", { name: "Attach files" }).count(), { timeout: PATIENCE }).toBe(1);
    await attach(a, [
      { name: "dot.png", mimeType: "image/png", buffer: PNG },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("remember the milk\n") },
    ]);
    // Two chips with name and size; once both are up, no progress bar is left and Send posts them.
    await expect.poll(() => chips(a).allTextContents(), { timeout: PATIENCE }).toEqual([expect.stringContaining("dot.png"), expect.stringContaining("notes.txt")]);
    expect(await chips(a).first().textContent()).toContain(`${PNG.length} B`);
    await expect.poll(() => a.getByRole("progressbar").count(), { timeout: PATIENCE }).toBe(0);
    await send(a, "the plan");
    await expect.poll(() => chips(a).count(), { timeout: PATIENCE }).toBe(0);
    const mine = await seeOnce(a, "the plan");
    await mine.getByRole("img", { name: "dot.png" }).waitFor({ timeout: PATIENCE });

    const b = await openClient(browser, stack, { gateway: gw2 });
    await logIn(b, bob);
    await enterRoom(b, "files");
    const row = await seeOnce(b, "the plan");
    const image = row.getByRole("img", { name: "dot.png" });
    await image.waitFor({ timeout: PATIENCE });
    // Laid out at its own size before it loads, and really loaded through the signed URL.
    expect(await image.getAttribute("width")).toBe("8");
    expect(await image.getAttribute("height")).toBe("6");
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth), { timeout: PATIENCE }).toBeGreaterThan(0);
    expect(await image.getAttribute("src")).toContain("/v1/files/");

    const file = row.getByRole("link", { name: /notes\.txt/ });
    await expect.poll(() => file.getAttribute("href"), { timeout: PATIENCE }).toContain("/v1/files/");
    expect(await file.getAttribute("download")).toBe("notes.txt");
    expect(await file.textContent()).toContain("text/plain");
    const download = await fetch(new URL((await file.getAttribute("href")) ?? "", stack.apiUrl));
    expect(await download.text()).toBe("remember the milk\n");

    // The lightbox: a modal dialog named after the file, with the full image; Escape closes it.
    await row.getByRole("button", { name: "Open dot.png" }).click();
    const lightbox = b.getByRole("dialog", { name: "dot.png" });
    await lightbox.waitFor({ timeout: PATIENCE });
    const full = lightbox.getByRole("img", { name: "dot.png" });
    await expect.poll(() => full.evaluate((element) => (element as HTMLImageElement).naturalWidth), { timeout: PATIENCE }).toBe(8);
    await b.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached", timeout: PATIENCE });

    expect(cspRefusals(a)).toEqual([]);
    expect(cspRefusals(b)).toEqual([]);
  });

  it("take files dropped on the room or pasted into the box, and post files alone", async () => {
    const { stack, browser, gateways: [gw1] } = suite();
    const dave = await stack.account("dave");
    await dave.api.createGroupRoom("drops");
    const page = await openClient(browser, stack, { gateway: gw1 });
    await logIn(page, dave);
    await enterRoom(page, "drops");

    const files = (name: string) =>
      page.evaluateHandle((fileName) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([`${fileName} says hi\n`], fileName, { type: "text/plain" }));
        return transfer;
      }, name);
    await page.getByRole("log").dispatchEvent("drop", { dataTransfer: await files("dropped.txt") });
    const box = page.getByRole("textbox", { name: /^Message / });
    const pasted = await files("pasted.txt");
    await box.evaluate((element, clipboardData) => element.dispatchEvent(new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true })), pasted);
    await expect.poll(() => chips(page).allTextContents(), { timeout: PATIENCE }).toEqual([expect.stringContaining("dropped.txt"), expect.stringContaining("pasted.txt")]);
    await expect.poll(() => page.getByRole("progressbar").count(), { timeout: PATIENCE }).toBe(0);

    // No text: the files alone make the message.
    await page.getByRole("button", { name: "Send" }).click();
    const row = page.getByRole("article").filter({ has: page.getByRole("link", { name: /dropped\.txt/ }) });
    await expect.poll(() => row.count(), { timeout: PATIENCE }).toBe(1);
    await row.getByRole("link", { name: /pasted\.txt/ }).waitFor({ timeout: PATIENCE });
    expect(await box.inputValue()).toBe("");
  });

  it("show a refused file's reason, and cancel an upload in progress without posting it", async () => {
    const { stack, browser, gateways: [gw1] } = suite();
    const carol = await stack.account("carol");
    await carol.api.createGroupRoom("drafts");
    const page = await openClient(browser, stack, { gateway: gw1 });
    await logIn(page, carol);
    await enterRoom(page, "drafts");

    // A file declared as HTML that is not: the server refuses it, and the chip says why.
    await attach(page, [{ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<!doctype html><script>alert(1)</script>") }]);
    await chips(page).getByRole("alert").waitFor({ timeout: PATIENCE });
    expect(await chips(page).getByRole("alert").textContent()).toBe("the file's content is text/plain, not the declared text/html");
    await page.getByRole("button", { name: "Remove page.html" }).click();
    await expect.poll(() => chips(page).count(), { timeout: PATIENCE }).toBe(0);

    // A large file over a slow uplink: its progress shows, and cancelling drops it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    await attach(page, [{ name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(4 * 1024 * 1024, "a") }]);
    await page.getByRole("progressbar", { name: "Uploading big.txt" }).waitFor({ timeout: PATIENCE });
    await page.getByRole("button", { name: "Cancel big.txt" }).click();
    await expect.poll(() => chips(page).count(), { timeout: PATIENCE }).toBe(0);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // Nothing was posted: the next message is the room's only one, without files.
    await send(page, "no files here");
    const row = await seeOnce(page, "no files here");
    // (Acknowledged: the pending row has made way for the message.)
    await row.getByRole("img", { name: /Sent|Delivered|Read/ }).waitFor({ timeout: PATIENCE });
    expect(await page.getByRole("article").count()).toBe(1);
    expect(await row.getByRole("link").count()).toBe(0);
  });
});
