/**
 * A file over the server's upload limit (`CHAT_UPLOAD_MAX_BYTES`, 1 MB here) shows why on its
 * chip — "too large", naming the limit — and not a network error. The server answers such an
 * upload with `413 payload_too_large` before reading its body, and a browser still sending that
 * body may see the connection reset instead of the answer; so the server tells clients its
 * limit (`GET /v1/client-config`) and the SDK refuses the file before sending it. A file under
 * the limit still goes up.
 */

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { PATIENCE, enterRoom, logIn, openClient, webSuite } from "./browser";

const LIMIT = 1024 * 1024;
const suite = webSuite({ env: { CHAT_UPLOAD_MAX_BYTES: String(LIMIT) } });

function chips(page: Page) {
  return page.getByRole("list", { name: "Files to send" }).getByRole("listitem");
}

describe("the upload limit", () => {
  it("shows that a file is too large, with the limit, and sends none of it", async () => {
    const { stack, browser, gateways: [gw1] } = suite();
    const dana = await stack.account("dana");
    await dana.api.createGroupRoom("big files");
    const page = await openClient(browser, stack, { gateway: gw1 });
    await logIn(page, dana);
    await enterRoom(page, "big files");
    const uploads: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/v1/uploads") uploads.push(request.method());
    });

    await page.locator('input[type="file"]').setInputFiles([{ name: "video.txt", mimeType: "text/plain", buffer: Buffer.alloc(3 * LIMIT, "a") }]);
    const alert = chips(page).getByRole("alert");
    await alert.waitFor({ timeout: PATIENCE });
    expect(await alert.textContent()).toBe("the file is larger than 1048576 bytes (1 MB)");
    expect(await chips(page).first().textContent()).toContain("video.txt");
    expect(uploads).toEqual([]);

    // One under the limit goes up.
    await page.getByRole("button", { name: "Remove video.txt" }).click();
    await page.locator('input[type="file"]').setInputFiles([{ name: "small.txt", mimeType: "text/plain", buffer: Buffer.alloc(LIMIT - 1, "a") }]);
    await expect.poll(() => page.getByRole("progressbar").count(), { timeout: PATIENCE }).toBe(0);
    await expect.poll(() => chips(page).allTextContents(), { timeout: PATIENCE }).toEqual([expect.stringContaining("small.txt")]);
    expect(await chips(page).getByRole("alert").count()).toBe(0);
    expect(uploads).toEqual(["POST"]);
  });
});
