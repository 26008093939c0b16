/**
 * The Support area, as a website's owner and one of its agents use it: the owner registers a
 * website and copies its install snippet; makes its identity secret, reveals it and rotates it
 * (after a confirm step); lists the domain of a small site this test serves, publishes the token
 * read from the page and sees the check verify it, while a second site that serves another
 * token fails with the sentence that says so; a malformed domain shows the server's refusal.
 * She picks purple and sees the preview change, saves the widget with business hours, and adds
 * an agent by username. The agent, in his own browser (a phone, in dark mode), sees the website
 * with his role, everything read-only and nothing of the identity secret, and leaves the team.
 * Axe checks each view; the area, fetched when first opened, runs under the page's CSP.
 */

import { afterAll, describe, expect, it } from "vitest";

import { ChatApiError } from "../../../sdk/src/index";
import { PATIENCE, cspRefusals, logIn, openClient, screenshot, seriousViolations, webSuite } from "./browser";
import { type LocalSite, startLocalSite } from "./local-site";

// Domain checks may fetch from the sites this test serves on 127.0.0.1 (a test-only setting).
const suite = webSuite({ env: { CHAT_VERIFY_ALLOW_LOOPBACK: "true" } });

const FILE = "/.well-known/chat-verification.txt";

const sites: LocalSite[] = [];
afterAll(async () => {
  await Promise.all(sites.map((site) => site.close()));
});

async function site(): Promise<LocalSite> {
  const started = await startLocalSite();
  sites.push(started);
  return started;
}

describe("support-chat websites", () => {
  it("are set up by their owner, and seen read-only by an agent", async () => {
    const { stack, browser } = suite();
    const owner = await stack.account("owner");
    const agent = await stack.account("agent");
    // (The users read model, where agents are found by username, trails registration.)
    await expect.poll(() => owner.api.findUser(agent.username), { timeout: PATIENCE }).not.toBeNull();
    const good = await site();
    const stale = await site();

    const page = await openClient(browser, stack, { bypassCSP: true });
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.apiUrl });
    await logIn(page, owner);

    // The Support area, next to the rooms: no websites yet; she registers one.
    await page.getByRole("link", { name: "Support" }).click();
    await page.getByRole("heading", { name: "Support", level: 2 }).waitFor({ timeout: PATIENCE });
    await page.getByText("No websites yet.").waitFor({ timeout: PATIENCE });
    await page.getByLabel("New website").fill("Acme Shop");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Acme Shop", level: 2 }).waitFor({ timeout: PATIENCE });
    const websiteId = /#\/support\/([0-9a-f-]{36})\/install$/.exec(page.url())?.[1] ?? "";
    expect(websiteId).not.toBe("");
    const sections = page.getByRole("navigation", { name: "Website sections" });
    expect(await sections.getByRole("link").allTextContents()).toEqual(["Install", "Domains", "Widget", "Team", "Inbox"]);

    // Install: the snippet, copied to the clipboard.
    const snippet = `<script src="${stack.apiUrl}/embed.js?id=${websiteId}" async></script>`;
    expect(await page.getByRole("textbox", { name: "Snippet" }).inputValue()).toBe(snippet);
    await page.getByRole("button", { name: "Copy snippet" }).click();
    await page.getByText("Copied", { exact: true }).waitFor({ timeout: PATIENCE });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-install");

    // Identity verification, on the same page: no secret yet; she makes one, which shows masked
    // but for its last digits until she reveals it.
    const identity = page.getByRole("region", { name: "Identity verification" });
    await identity.getByText("No secret yet.").waitFor({ timeout: PATIENCE });
    await identity.getByRole("button", { name: "Make a secret" }).click();
    await identity.getByRole("status").filter({ hasText: "Secret made." }).waitFor({ timeout: PATIENCE });
    const first = (await owner.api.identitySecret(websiteId)) ?? "";
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    await identity.getByText(`••••••••••••${first.slice(-4)}`, { exact: true }).waitFor();
    const secretBox = identity.getByRole("textbox", { name: "Identity secret" });
    expect(await secretBox.count()).toBe(0);
    expect(await identity.innerText()).not.toContain(first);
    await identity.getByRole("button", { name: "Reveal" }).click();
    expect(await secretBox.inputValue()).toBe(first);

    // Rotating asks first (the website's signatures stop verifying); Cancel keeps the secret.
    await identity.getByRole("button", { name: "Rotate secret" }).click();
    const confirm = identity.getByRole("group", { name: /^Make a new secret\? The current one stops verifying at once/ });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await secretBox.inputValue()).toBe(first);
    await identity.getByRole("button", { name: "Rotate secret" }).click();
    await confirm.getByRole("button", { name: "Rotate" }).click();
    await identity.getByRole("status").filter({ hasText: "New secret made: the old one no longer verifies." }).waitFor({ timeout: PATIENCE });
    const second = await secretBox.inputValue();
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    expect(await owner.api.identitySecret(websiteId)).toBe(second);
    await identity.getByRole("button", { name: "Copy identity secret" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: PATIENCE }).toBe(second);
    // The lines that sign a user's id on the website's server, and the page's call.
    expect(await identity.getByRole("textbox", { name: "Node.js" }).inputValue()).toContain(
      "crypto.createHmac('sha256', secret).update(userId).digest('hex')",
    );
    expect(await identity.getByRole("textbox", { name: "Widget call" }).inputValue()).toBe("ChatWidget.identify({ userId, userHash, name, email });");
    await identity.getByRole("button", { name: "Hide" }).click();
    await identity.getByText(`••••••••••••${second.slice(-4)}`, { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-identity");

    // Domains: a malformed one is refused with the server's words.
    await sections.getByRole("link", { name: "Domains" }).click();
    const refusal = await owner.api.addDomain(websiteId, "*.shop.example.com").catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ChatApiError);
    expect(refusal).toMatchObject({ code: "invalid_input", field: "domain" });
    await page.getByLabel("Add a domain").fill("*.shop.example.com");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: (refusal as ChatApiError).message }).waitFor({ timeout: PATIENCE });

    // The good site publishes the token shown for it, and a check verifies it.
    await page.getByLabel("Add a domain").fill(good.domain);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const goodRow = page.getByRole("list", { name: "Domains" }).getByRole("listitem", { name: good.domain });
    await goodRow.getByText("Pending: not checked yet").waitFor({ timeout: PATIENCE });
    expect(await page.getByLabel("Add a domain").inputValue()).toBe("");
    const token = await goodRow.getByRole("textbox", { name: "Token" }).inputValue();
    expect(token).toMatch(/^chat-[0-9a-f]{32}$/);
    expect(await goodRow.getByRole("textbox", { name: "Meta tag" }).inputValue()).toBe(`<meta name="chat-verification" content="${token}">`);
    expect(await goodRow.getByRole("textbox", { name: "File path" }).inputValue()).toBe(FILE);
    good.serve(FILE, `${token}\n`);
    await goodRow.getByRole("button", { name: "Check now" }).click();
    await goodRow.getByText("Verified via file").waitFor({ timeout: PATIENCE });

    // The stale site serves another token: the check says so.
    await page.getByLabel("Add a domain").fill(stale.domain);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const staleRow = page.getByRole("list", { name: "Domains" }).getByRole("listitem", { name: stale.domain });
    await staleRow.getByText("Pending: not checked yet").waitFor({ timeout: PATIENCE });
    stale.serve(FILE, "chat-00000000000000000000000000000000\n");
    await staleRow.getByRole("button", { name: "Check now" }).click();
    await staleRow
      .getByText("Failed: The site publishes a token, but not this domain's (an old one?).", { exact: true })
      .waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-domains");

    // Widget: purple, and the preview follows before anything is saved.
    await sections.getByRole("link", { name: "Widget" }).click();
    const preview = page.getByRole("figure", { name: /^Preview:/ });
    const launcher = preview.locator('[data-part="launcher"]');
    const launcherColour = () => launcher.evaluate((element) => getComputedStyle(element).backgroundColor);
    await expect.poll(() => preview.getByText(/^Preview:/).textContent(), { timeout: PATIENCE }).toMatch(/^Preview: Blue, medium, bottom right/);
    expect(await launcherColour()).toBe("rgb(31, 95, 191)");
    await page.getByRole("radio", { name: "Purple" }).check();
    await expect.poll(() => preview.getByText(/^Preview:/).textContent()).toMatch(/^Preview: Purple, medium, bottom right/);
    expect(await launcherColour()).toBe("rgb(111, 66, 193)");
    await page.getByLabel("Position").selectOption("left");
    await page.getByRole("textbox", { name: "Greeting" }).fill("Welcome to Acme!");
    await expect.poll(() => preview.getByText(/^Preview:/).textContent()).toBe("Preview: Purple, medium, bottom left. Greeting: “Welcome to Acme!”");

    // Business hours: a time zone the browser does not know is caught before saving.
    await page.getByRole("checkbox", { name: "Answer only during business hours" }).check();
    await page.getByLabel("Time zone").fill("Mars/Olympus_Mons");
    await page.getByText("“Mars/Olympus_Mons” is not a time zone this browser knows", { exact: false }).waitFor({ timeout: PATIENCE });
    await page.getByLabel("Time zone").fill("Europe/Berlin");
    const saturday = page.getByRole("group", { name: "Saturday" });
    await saturday.getByRole("checkbox", { name: "Open" }).check();
    await page.getByLabel("Saturday opens").fill("10:00");
    await page.getByLabel("Saturday closes").fill("14:00");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor({ timeout: PATIENCE });
    const saved = await owner.api.website(websiteId);
    expect(saved.settings).toMatchObject({ color: "purple", position: "left", greeting: "Welcome to Acme!", size: "medium" });
    expect(saved.settings.business_hours?.time_zone).toBe("Europe/Berlin");
    expect(saved.settings.business_hours?.days).toEqual([
      { opens: 540, closes: 1020 },
      { opens: 540, closes: 1020 },
      { opens: 540, closes: 1020 },
      { opens: 540, closes: 1020 },
      { opens: 540, closes: 1020 },
      { opens: 600, closes: 840 },
      null,
    ]);
    await screenshot(page, "support-widget");

    // Team: the agent, added by username (any case).
    await sections.getByRole("link", { name: "Team" }).click();
    await page.getByLabel("Add an agent").fill(agent.username.toUpperCase());
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const team = page.getByRole("list", { name: "Team" });
    await team.getByRole("listitem", { name: agent.username }).getByText("agent", { exact: true }).waitFor({ timeout: PATIENCE });
    await team.getByRole("listitem", { name: owner.username }).getByText("owner", { exact: true }).waitFor();
    await page.getByLabel("Add an agent").fill("nobody_by_that_name");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "No one is called “nobody_by_that_name”." }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);

    // The Support area is fetched when first opened: under the page's real CSP too.
    const strict = await openClient(browser, stack);
    await logIn(strict, owner);
    await strict.evaluate((hash) => void (location.hash = hash), `#/support/${websiteId}/widget`);
    await strict.getByRole("figure", { name: /^Preview: Purple/ }).waitFor({ timeout: PATIENCE });
    expect(cspRefusals(strict)).toEqual([]);

    // The agent, on a phone in dark mode: the website with his role, everything read-only.
    const phone = await openClient(browser, stack, { viewport: { width: 375, height: 740 }, colorScheme: "dark", bypassCSP: true });
    await logIn(phone, agent);
    await phone.getByRole("link", { name: "Support" }).click();
    const entry = phone.getByRole("list", { name: "Your websites" }).getByRole("link", { name: /Acme Shop/ });
    await entry.waitFor({ timeout: PATIENCE });
    expect(await entry.innerText()).toMatch(/Acme Shop\s+agent\s+1 of 2 domains verified/);
    expect(await phone.getByRole("navigation", { name: "Rooms" }).isVisible()).toBe(false);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "support-list-agent-phone-dark");
    await entry.click();
    await phone.getByRole("heading", { name: "Acme Shop", level: 2 }).waitFor({ timeout: PATIENCE });
    await phone.getByText("You are an agent of this website: only its owner changes it.").waitFor();
    expect(await phone.getByRole("textbox", { name: "Snippet" }).inputValue()).toBe(snippet);
    expect(await phone.getByRole("button", { name: "Rename" }).count()).toBe(0);
    // The identity secret is the owner's alone: the agent sees nothing of it.
    expect(await phone.getByRole("heading", { name: "Identity verification" }).count()).toBe(0);
    expect(await phone.getByText(/secret/i).count()).toBe(0);

    const phoneSections = phone.getByRole("navigation", { name: "Website sections" });
    await phoneSections.getByRole("link", { name: "Domains" }).click();
    await phone.getByRole("listitem", { name: good.domain }).getByText("Verified via file").waitFor({ timeout: PATIENCE });
    expect(await phone.getByRole("button", { name: "Check now" }).count()).toBe(0);
    expect(await phone.getByRole("button", { name: "Remove" }).count()).toBe(0);
    expect(await phone.getByLabel("Add a domain").count()).toBe(0);
    expect(await seriousViolations(phone)).toEqual([]);

    await phoneSections.getByRole("link", { name: "Widget" }).click();
    await phone.getByRole("figure", { name: /^Preview: Purple, medium, bottom left/ }).waitFor({ timeout: PATIENCE });
    await phone.getByText("Saturday: 10:00–14:00").waitFor();
    expect(await phone.getByRole("button", { name: "Save" }).count()).toBe(0);
    expect(await phone.getByRole("radio").count()).toBe(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "support-widget-agent-phone-dark");

    await phoneSections.getByRole("link", { name: "Team" }).click();
    const phoneTeam = phone.getByRole("list", { name: "Team" });
    await phoneTeam.getByRole("listitem", { name: agent.username }).getByText("agent", { exact: true }).waitFor({ timeout: PATIENCE });
    expect(await phone.getByLabel("Add an agent").count()).toBe(0);
    expect(await phoneTeam.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // He leaves: the website is no longer his.
    await phoneTeam.getByRole("button", { name: "Leave" }).click();
    await phone.getByText("No websites yet.").waitFor({ timeout: PATIENCE });
  });
});
