/**
 * The agents' inbox, with a real visitor: an owner registers a website, verifies the domain of a
 * small site this test serves and adds an agent. A visitor of that site (plain REST and a
 * WebSocket from here, as the widget would) starts a conversation and writes; the agent, logged
 * in in Chromium, sees it arrive in the Inbox without a reload, unread, and on the Support link;
 * opens it, reads the message and where the visitor was, answers (the visitor's history has the
 * answer), sees the visitor typing, takes the conversation (a system line; it moves to Mine) and
 * resolves it (Resolved). The visitor writes again: it is open again, "Reopened by" them. An
 * agent added to the team afterwards is not in it: he joins it, and the first agent transfers
 * it to him. A support conversation never shows in the chat's room list, not even after a
 * reload. The owner, on a phone in dark mode, sees whose it is. And a visitor whom the website
 * identified (identity verification, signed here as its server would) shows Verified, with the
 * email from the pre-chat form; an anonymous one shows neither. Axe checks each view.
 */

import { createHmac } from "node:crypto";

import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

import type { Account } from "../../../sdk/test/system/harness";
import { resolveGateway } from "../../src/gateways";
import { PATIENCE, logIn, messageRows, openClient, screenshot, seeOnce, send, seriousViolations, webSuite } from "./browser";
import { type LocalSite, startLocalSite } from "./local-site";

// The domain check may fetch from the site this test serves on 127.0.0.1 (a test-only setting).
const suite = webSuite({ env: { CHAT_VERIFY_ALLOW_LOOPBACK: "true" } });

const sites: LocalSite[] = [];
const sockets: WebSocket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await Promise.all(sites.map((site) => site.close()));
});

const CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** A visitor as the widget is one: REST with the visitor's token, nothing of the SDK. */
interface Visitor {
  id: string;
  name: string;
  token: string;
}

/** `fetch` against the API; answers the JSON body, or throws with the error's body. */
async function rest<T>(apiUrl: string, method: string, path: string, body?: unknown, token?: string, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extra };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  const response = await fetch(`${apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * The visitor's WebSocket (the gateway from `GET /v1/client-config`), identified with a resume
 * of their conversation, once its catch-up is over (`resumed`): typing in a room whose delivery
 * has not started yet would be refused.
 */
async function visitorSocket(apiUrl: string, token: string, roomId: string): Promise<WebSocket> {
  const config = await rest<{ gateways: string[] }>(apiUrl, "GET", "/v1/client-config");
  const api = new URL(apiUrl);
  const page = { protocol: api.protocol, host: api.host, hostname: api.hostname, search: "" };
  const url = config.gateways.map((entry) => resolveGateway(entry, page)).find((resolved) => resolved !== null);
  if (url == null) throw new Error(`no gateway in ${JSON.stringify(config)}`);
  const socket = new WebSocket(url);
  sockets.push(socket);
  await new Promise<void>((resolveReady, reject) => {
    socket.on("error", reject);
    socket.on("message", (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { type: string };
      if (frame.type === "hello") socket.send(JSON.stringify({ type: "identify", token, resume: { [roomId]: 0 } }));
      if (frame.type === "resumed" && (frame as { room_id?: string }).room_id === roomId) resolveReady();
    });
  });
  return socket;
}

/**
 * A website of `owner` that takes visitors: the domain of a small site this test serves, verified
 * (the Support area's own test goes through these forms), and its widget served (a read model,
 * which trails the check).
 */
async function liveWebsite(apiUrl: string, owner: Account, name: string): Promise<{ websiteId: string; site: LocalSite }> {
  const { website_id: websiteId } = await owner.api.createWebsite(name);
  const site = await startLocalSite();
  sites.push(site);
  const { token } = await owner.api.addDomain(websiteId, site.domain);
  site.serve("/.well-known/chat-verification.txt", `${token}\n`);
  expect(await owner.api.checkDomain(websiteId, site.domain)).toMatchObject({ verified: true });
  const served = () => rest(apiUrl, "GET", `/v1/widget/${websiteId}`).then(() => true, () => false);
  await expect.poll(served, { timeout: PATIENCE }).toBe(true);
  return { websiteId, site };
}

/** The conversation's row in the inbox's list. */
function inboxRow(page: Page, visitorName: string) {
  return page.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: visitorName });
}

/** The room list of the chat shows no room at all (support conversations are not rooms there). */
async function noChatRooms(page: Page): Promise<void> {
  const rooms = page.getByRole("navigation", { name: "Rooms" });
  await rooms.getByText("No rooms yet.").waitFor({ timeout: PATIENCE });
  expect(await rooms.locator(".room-list").count()).toBe(0);
}

describe("the agents' inbox", () => {
  it("shows a visitor's conversation live, and lets an agent answer, take and resolve it", async () => {
    const { stack, browser } = suite();
    const owner = await stack.account("owner");
    const agent = await stack.account("agent");
    // (The users read model, where agents are found by username, trails registration.)
    await expect.poll(() => owner.api.findUser(agent.username), { timeout: PATIENCE }).not.toBeNull();

    const { websiteId, site } = await liveWebsite(stack.apiUrl, owner, "Acme Shop");
    await owner.api.addAgent(websiteId, agent.username);
    await expect.poll(async () => (await agent.api.websites()).map((website) => website.name), { timeout: PATIENCE }).toEqual(["Acme Shop"]);

    // The agent opens the website's Inbox: nothing yet.
    const page = await openClient(browser, stack, { bypassCSP: true });
    await logIn(page, agent);
    await page.getByRole("link", { name: "Support" }).click();
    await page.getByRole("list", { name: "Your websites" }).getByRole("link", { name: /Acme Shop/ }).click();
    await page.getByRole("navigation", { name: "Website sections" }).getByRole("link", { name: "Inbox" }).click();
    await page.getByText("No open conversations. New ones appear here as visitors write.").waitFor({ timeout: PATIENCE });
    expect(page.url()).toMatch(new RegExp(`#/support/${websiteId}/inbox$`));

    // A visitor of the site starts a conversation and writes.
    const api = stack.apiUrl;
    const session = await rest<{ visitor_id: string; display_name: string; token: string }>(api, "POST", `/v1/widget/${websiteId}/visitors`, {});
    const visitor: Visitor = { id: session.visitor_id, name: session.display_name, token: session.token };
    expect(visitor.name).toMatch(/^Visitor [0-9A-F]{4}$/);
    const pageUrl = `http://${site.domain}/pricing?plan=pro`;
    const { room_id: roomId } = await rest<{ room_id: string }>(
      api,
      "POST",
      `/v1/widget/${websiteId}/conversations`,
      { page_url: pageUrl, referrer: "https://search.example/?q=acme", language: "de-DE" },
      visitor.token,
      { "user-agent": CHROME_ON_LINUX },
    );
    const visitorPost = (body: string, key: string) =>
      rest(api, "POST", `/v1/rooms/${roomId}/messages`, { body, client_msg_id: key }, visitor.token);
    await visitorPost("Hello, does the Pro plan include support?", "v-1");

    // It appears without a reload: unread, nobody's, from the site's page; the Support link and
    // the tab's title count it.
    const row = inboxRow(page, visitor.name);
    await row.getByText("Hello, does the Pro plan include support?").waitFor({ timeout: PATIENCE });
    await row.getByLabel("1 unread").waitFor({ timeout: PATIENCE });
    expect(await row.getByText("Unassigned", { exact: true }).count()).toBe(1);
    expect(await row.getByText(site.domain, { exact: true }).count()).toBe(1);
    await page.getByRole("link", { name: /Support/ }).getByLabel("1 waiting").waitFor({ timeout: PATIENCE });
    await expect.poll(() => page.title(), { timeout: PATIENCE }).toBe("(1) Chat");
    const filters = page.getByRole("group", { name: "Show conversations" });
    await expect.poll(() => filters.getByRole("button").allTextContents(), { timeout: PATIENCE }).toEqual(["Open1", "Mine0", "Unassigned1", "Resolved"]);
    await noChatRooms(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-inbox");

    // He opens it: the message, where the visitor was; reading it clears the badge.
    await row.getByRole("link").click();
    const conversation = page.getByRole("region", { name: `Conversation with ${visitor.name}` });
    await conversation.getByRole("heading", { name: visitor.name, level: 3 }).waitFor({ timeout: PATIENCE });
    expect(page.url()).toMatch(new RegExp(`#/support/${websiteId}/inbox/${roomId}$`));
    await seeOnce(page, "Hello, does the Pro plan include support?");
    await conversation.getByText("Open · Unassigned").waitFor();
    await conversation.getByRole("button", { name: "Visitor details" }).click();
    const details = page.getByRole("complementary", { name: "Visitor details" });
    await details.getByRole("link", { name: pageUrl }).waitFor({ timeout: PATIENCE });
    await details.getByText("German (Germany)", { exact: false }).waitFor();
    await details.getByText("Chrome 131 on Linux", { exact: true }).waitFor();
    await expect.poll(() => row.getByLabel("1 unread").count(), { timeout: PATIENCE }).toBe(0);

    // He answers; the visitor's history has it.
    await send(page, "Yes: email and chat, every weekday.");
    await seeOnce(page, "Yes: email and chat, every weekday.");
    await expect
      .poll(
        async () => {
          const history = await rest<{ messages: Array<{ body: string | null }> }>(api, "GET", `/v1/rooms/${roomId}/messages`, undefined, visitor.token);
          return history.messages.map((message) => message.body);
        },
        { timeout: PATIENCE },
      )
      .toEqual(["Yes: email and chat, every weekday.", "Hello, does the Pro plan include support?"]);

    // The visitor types: he sees it.
    const socket = await visitorSocket(api, visitor.token, roomId);
    socket.send(JSON.stringify({ type: "typing", room_id: roomId }));
    await conversation.getByRole("status").filter({ hasText: `${visitor.name} is typing…` }).waitFor({ timeout: PATIENCE });
    socket.send(JSON.stringify({ type: "typing", room_id: roomId, typing: false }));
    await expect.poll(() => conversation.getByText(`${visitor.name} is typing…`).count(), { timeout: PATIENCE }).toBe(0);

    // He takes it: a system line, and it is his (Mine).
    await conversation.getByRole("button", { name: "Assign to me" }).click();
    await conversation.getByText("You took the conversation").waitFor({ timeout: PATIENCE });
    await conversation.getByText("Open · Assigned to you").waitFor({ timeout: PATIENCE });
    await filters.getByRole("button", { name: /^Mine/ }).click();
    await inboxRow(page, visitor.name).getByText("You", { exact: true }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => filters.getByRole("button").allTextContents(), { timeout: PATIENCE }).toEqual(["Open1", "Mine1", "Unassigned0", "Resolved"]);
    await page.getByRole("link", { name: /Support/ }).getByLabel(/waiting/).waitFor({ state: "detached", timeout: PATIENCE });

    // He resolves it: out of Mine and Open, into Resolved.
    await conversation.getByRole("button", { name: "Resolve" }).click();
    await conversation.getByText("Resolved by you").waitFor({ timeout: PATIENCE });
    await conversation.getByText("Resolved · Assigned to you").waitFor({ timeout: PATIENCE });
    await page.getByText("No open conversations are assigned to you.").waitFor({ timeout: PATIENCE });
    await filters.getByRole("button", { name: /^Resolved/ }).click();
    await inboxRow(page, visitor.name).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(page)).toEqual([]);

    // The visitor writes again: it is open again, reopened by them.
    await visitorPost("One more question: can I pay yearly?", "v-2");
    await seeOnce(page, "One more question: can I pay yearly?");
    await conversation.getByText(`Reopened by ${visitor.name}`).waitFor({ timeout: PATIENCE });
    await conversation.getByText("Open · Assigned to you").waitFor({ timeout: PATIENCE });
    await page.getByText("No resolved conversations.").waitFor({ timeout: PATIENCE });
    await filters.getByRole("button", { name: /^Open/ }).click();
    await inboxRow(page, visitor.name).getByText("One more question: can I pay yearly?").waitFor({ timeout: PATIENCE });
    // He is looking at it: nothing is unread, nothing waits.
    expect(await inboxRow(page, visitor.name).getByLabel(/unread/).count()).toBe(0);
    expect(await page.getByRole("link", { name: /Support/ }).getByLabel(/waiting/).count()).toBe(0);
    // The system lines stand where they happened, between the messages.
    const lines = await conversation.locator(".system-line span, article .body").allTextContents();
    expect(lines).toEqual([
      `${visitor.name} started the conversation`,
      "Hello, does the Pro plan include support?",
      "Yes: email and chat, every weekday.",
      "You took the conversation",
      "Resolved by you",
      `Reopened by ${visitor.name}`,
      "One more question: can I pay yearly?",
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-inbox-conversation");
    await noChatRooms(page);

    // An agent added to the team now is not in the conversation: he joins it to read it.
    const late = await stack.account("late");
    await expect.poll(() => owner.api.findUser(late.username), { timeout: PATIENCE }).not.toBeNull();
    await owner.api.addAgent(websiteId, late.username);
    const latePage = await openClient(browser, stack);
    await logIn(latePage, late);
    await latePage.evaluate((hash) => void (location.hash = hash), `#/support/${websiteId}/inbox`);
    const lateRow = inboxRow(latePage, visitor.name);
    await lateRow.getByText("Not joined", { exact: true }).waitFor({ timeout: PATIENCE });
    await lateRow.getByRole("link").click();
    const lateConversation = latePage.getByRole("region", { name: `Conversation with ${visitor.name}` });
    await lateConversation.getByText("join it to read and answer it", { exact: false }).waitFor({ timeout: PATIENCE });
    expect(await latePage.getByRole("textbox", { name: /^Message / }).count()).toBe(0);
    await lateConversation.getByRole("button", { name: "Join" }).click();
    await seeOnce(latePage, "One more question: can I pay yearly?");
    await expect.poll(() => lateRow.getByText("Not joined", { exact: true }).count(), { timeout: PATIENCE }).toBe(0);
    await noChatRooms(latePage);

    // After a reload the conversation still is not a chat room, and opens from its address.
    await page.reload();
    await conversation.getByRole("heading", { name: visitor.name, level: 3 }).waitFor({ timeout: PATIENCE });
    await seeOnce(page, "One more question: can I pay yearly?");
    await noChatRooms(page);

    // The first agent hands it over to the new one: each sees who did what.
    await conversation.getByLabel("Transfer to").selectOption({ label: `${late.username} (@${late.username})` });
    await conversation.getByRole("button", { name: "Transfer" }).click();
    await conversation.getByText(`You assigned it to ${late.username}`).waitFor({ timeout: PATIENCE });
    await conversation.getByText(`Open · Assigned to ${late.username}`).waitFor({ timeout: PATIENCE });
    await lateConversation.getByText(`${agent.username} assigned it to you`).waitFor({ timeout: PATIENCE });
    await lateConversation.getByText("Open · Assigned to you").waitFor({ timeout: PATIENCE });
    await latePage.getByRole("group", { name: "Show conversations" }).getByRole("button", { name: /^Mine/ }).click();
    await lateRow.getByText("You", { exact: true }).waitFor({ timeout: PATIENCE });

    // The owner, on a phone in dark mode: the conversation is the agent's; she opens it.
    const phone = await openClient(browser, stack, { viewport: { width: 375, height: 740 }, colorScheme: "dark", bypassCSP: true });
    await logIn(phone, owner);
    await phone.evaluate((hash) => void (location.hash = hash), `#/support/${websiteId}/inbox`);
    const phoneRow = inboxRow(phone, visitor.name);
    await phoneRow.getByText(late.username, { exact: true }).waitFor({ timeout: PATIENCE });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "support-inbox-owner-phone-dark");
    await phoneRow.getByRole("link").click();
    const phoneConversation = phone.getByRole("region", { name: `Conversation with ${visitor.name}` });
    await phoneConversation.getByText(`Open · Assigned to ${late.username}`).waitFor({ timeout: PATIENCE });
    await messageRows(phone, "One more question: can I pay yearly?").waitFor({ timeout: PATIENCE });
    expect(await phone.getByRole("list", { name: "Conversations" }).isVisible()).toBe(false);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, "support-inbox-conversation-owner-phone-dark");
    await phoneConversation.getByRole("link", { name: "Back to the conversations" }).click();
    await phoneRow.waitFor({ timeout: PATIENCE });
    await phone.getByRole("link", { name: "← Websites" }).click();
    await phone.getByRole("button", { name: "Back to rooms" }).click();
    await noChatRooms(phone);
  });

  it("shows whom the website identified (Verified) and the visitor's email", async () => {
    const { stack, browser } = suite();
    const owner = await stack.account("owner");
    const { websiteId, site } = await liveWebsite(stack.apiUrl, owner, "Acme Accounts");
    const secret = await owner.api.rotateIdentitySecret(websiteId);
    const api = stack.apiUrl;

    // A visitor gives her name and email in the pre-chat form; then the website's page, where she
    // is logged in, identifies her as its user 42, signed as its server would sign it.
    type Session = { visitor_id: string; display_name: string; token: string };
    const ada = await rest<Session>(api, "POST", `/v1/widget/${websiteId}/visitors`, { display_name: "Ada Lovelace", email: "ada@shop.example" });
    const userHash = createHmac("sha256", secret).update("user-42").digest("hex");
    const identified = await rest<Session>(api, "POST", `/v1/widget/${websiteId}/identify`, { user_id: "user-42", user_hash: userHash }, ada.token);
    expect(identified.visitor_id).toBe(ada.visitor_id);
    // Another visitor stays anonymous.
    const anonymous = await rest<Session>(api, "POST", `/v1/widget/${websiteId}/visitors`, {});
    for (const [visitor, body] of [
      [identified, "Where is my order?"],
      [anonymous, "Just looking."],
    ] as const) {
      const { room_id: roomId } = await rest<{ room_id: string }>(
        api,
        "POST",
        `/v1/widget/${websiteId}/conversations`,
        { page_url: `http://${site.domain}/account` },
        visitor.token,
      );
      await rest(api, "POST", `/v1/rooms/${roomId}/messages`, { body, client_msg_id: "v-1" }, visitor.token);
    }
    // (The inbox is a read model: it shows both once it has them.)
    const shown = async () =>
      Object.fromEntries((await owner.api.inbox(websiteId)).map((entry) => [entry.visitor_id, [entry.visitor_email, entry.visitor_external_id]]));
    await expect
      .poll(shown, { timeout: PATIENCE })
      .toEqual({ [ada.visitor_id]: ["ada@shop.example", "user-42"], [anonymous.visitor_id]: [null, null] });

    // The owner, one of the team, sees her Verified, and who she is to the website.
    const page = await openClient(browser, stack, { bypassCSP: true });
    await logIn(page, owner);
    await page.evaluate((hash) => void (location.hash = hash), `#/support/${websiteId}/inbox`);
    const row = inboxRow(page, "Ada Lovelace");
    const badge = row.getByText("Verified", { exact: true });
    await badge.waitFor({ timeout: PATIENCE });
    expect(await badge.getAttribute("title")).toBe("Identified by the website as user-42");
    const other = inboxRow(page, anonymous.display_name);
    await other.getByText("Just looking.").waitFor({ timeout: PATIENCE });
    expect(await other.getByText("Verified").count()).toBe(0);

    await row.getByRole("link").click();
    const conversation = page.getByRole("region", { name: "Conversation with Ada Lovelace" });
    const heading = conversation.getByRole("heading", { level: 3 });
    await expect.poll(() => heading.innerText(), { timeout: PATIENCE }).toMatch(/^Ada Lovelace\s*Verified$/);
    await conversation.getByRole("button", { name: "Visitor details" }).click();
    const details = page.getByRole("complementary", { name: "Visitor details" });
    const email = details.getByRole("link", { name: "ada@shop.example" });
    expect(await email.getAttribute("href")).toBe("mailto:ada@shop.example");
    await details.getByText("user-42", { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "support-inbox-verified");

    // The anonymous visitor: no badge, no email, not identified.
    await other.getByRole("link").click();
    const otherConversation = page.getByRole("region", { name: `Conversation with ${anonymous.display_name}` });
    await otherConversation.getByRole("heading", { name: anonymous.display_name, level: 3 }).waitFor({ timeout: PATIENCE });
    expect(await otherConversation.getByText("Verified").count()).toBe(0);
    await otherConversation.getByRole("button", { name: "Visitor details" }).click();
    const otherDetails = page.getByRole("complementary", { name: "Visitor details" });
    await otherDetails.getByText("Not given", { exact: true }).waitFor({ timeout: PATIENCE });
    await otherDetails.getByText("None: not identified by the website", { exact: true }).waitFor();
  });
});
