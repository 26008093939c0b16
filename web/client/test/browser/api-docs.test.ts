/**
 * The API reference page at /docs: Swagger UI from our own assets (swagger-ui-dist, copied by
 * the build), started by an external script under the API's Content-Security-Policy, and
 * asking no other origin for anything.
 */

import { describe, expect, it } from "vitest";

import { PATIENCE, cspRefusals, watchCsp, webSuite } from "./browser";

const suite = webSuite();

describe("the API reference page", () => {
  it("runs Swagger UI from our own assets under the CSP", async () => {
    const { stack, browser } = suite();
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    watchCsp(page);
    await page.goto(`${stack.apiUrl}/docs/`);
    const reference = page.getByRole("main", { name: "API reference" });
    // Swagger UI renders into the page (the spec itself, or why it cannot show it).
    await expect.poll(async () => (await reference.innerText()).trim().length, { timeout: PATIENCE }).toBeGreaterThan(0);
    expect(cspRefusals(page)).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(stack.apiUrl) && !url.startsWith("data:"))).toEqual([]);
    expect(requested).toContain(`${stack.apiUrl}/openapi.json`);
    await page.close();
  });
});
