/**
 * The support widget as a website's visitor meets it, in Chromium, against the real system. An
 * owner registers a website and verifies the domain of a small site this test serves on
 * 127.0.0.1 (a second origin), whose page carries the snippet. A visitor opens that page: the
 * launcher appears in the corner, they write, and the owner, answering as the website's agent
 * over the WebSocket, sees the message (with the page it came from), types and answers; the
 * visitor sees "Agent is typing…", the answer, their message read, and, with the panel closed,
 * the unread count, while the page's `ChatWidget.on("message")` hears of it. After a reload the
 * conversation is still there. A visitor's messages are ticked delivered while an agent has the
 * web client open, sent only while none has, delivered once the agent's client is back and has
 * them, read once the agent opens the conversation in the inbox, all without a reload. A visitor on a phone, in German, is asked for their name first and
 * told nobody is there outside business hours. A logged-in user of the website, identified by
 * its server's signature, finds their conversation on a second device, and is forgotten when
 * they log out. A page with the same snippet on an origin that
 * was never verified shows no widget: the browser refuses to frame it (`frame-ancestors`).
 */

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { Frame, FrameLocator, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";

import type { EventFrame, MessagePosted, WebsiteId } from "../../../sdk/src/index";
import type { Account } from "../../../sdk/test/system/harness";
import { type Recorder, recordedSession } from "../../../sdk/test/system/recorder";
import { PATIENCE, logIn, openClient, screenshot, webSuite } from "../../../client/test/browser/browser";
import { type LocalSite, startLocalSite } from "../../../client/test/browser/local-site";
import { shopPage, snippet, verifiedWebsite } from "./website";

// Domain checks may fetch from the sites this test serves on 127.0.0.1 (a test-only setting).
const suite = webSuite({ env: { CHAT_VERIFY_ALLOW_LOOPBACK: "true" } });

const sites: LocalSite[] = [];
const sessions: Recorder[] = [];
afterAll(async () => {
  for (const recorder of sessions) recorder.session.close();
  await Promise.all(sites.map((site) => site.close()));
});

async function site(): Promise<LocalSite> {
  const started = await startLocalSite();
  sites.push(started);
  return started;
}

/** The widget's frame, as the page shows it. */
function widget(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Chat"]');
}

/** A website whose domain is the (verified) `shop`, serving `options`' snippet at `/`. */
async function websiteWithSnippet(name: string, shop: LocalSite, options = ""): Promise<{ websiteId: WebsiteId; owner: Account }> {
  const { stack } = suite();
  const created = await verifiedWebsite(stack, name, shop);
  shop.serve("/", shopPage(snippet(stack.apiUrl, created.websiteId, options)), "text/html; charset=utf-8");
  return created;
}

/** What a page's frames asked for, by origin; and what its CSP refused. */
function watch(page: Page): { origins: Set<string>; sockets: string[]; refusals: string[] } {
  const seen = { origins: new Set<string>(), sockets: [] as string[], refusals: [] as string[] };
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "http:" || url.protocol === "https:") seen.origins.add(url.origin);
  });
  page.on("websocket", (socket) => seen.sockets.push(socket.url()));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) seen.refusals.push(message.text());
  });
  page.on("pageerror", (error) => process.stderr.write(`[page] ${error.message}\n`));
  return seen;
}

function messagesOf(recorder: Recorder): MessagePosted[] {
  return recorder.events.flatMap((frame: EventFrame) => (frame.event.type === "MessagePosted" ? [frame.event] : []));
}

describe("the support widget", () => {
  it("carries a visitor's conversation with an agent, and keeps it across a reload", async () => {
    const { stack, browser, gateways } = suite();
    const shop = await site();
    const { websiteId, owner } = await websiteWithSnippet("Acme Shop", shop, "&colorPreset=green");

    // The owner answers as the website's agent, over the WebSocket; being online, the widget
    // promises a quick reply.
    const agent = recordedSession({ url: gateways[0], api: owner.api });
    sessions.push(agent);
    agent.session.connect();
    await expect.poll(async () => (await fetchJson(stack.apiUrl, `/v1/widget/${websiteId}`))["agents_online"], { timeout: PATIENCE }).toBe(true);

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`http://${shop.domain}/`);
    const frame = widget(page);

    // The launcher, in green, in the bottom right corner; the panel opens above it.
    const launcher = frame.getByRole("button", { name: "Open chat", exact: true });
    await launcher.waitFor({ timeout: PATIENCE });
    expect(await launcher.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe("rgb(26, 127, 55)");
    const iframe = page.locator('iframe[title="Chat"]');
    const closedBox = await iframe.boundingBox();
    expect(closedBox).toMatchObject({ x: 1200 - 96, y: 800 - 96, width: 96, height: 96 });
    await launcher.click();
    const panel = frame.getByRole("dialog", { name: "Acme Shop" });
    await panel.waitFor({ timeout: PATIENCE });
    await panel.getByText("We typically reply in a few minutes").waitFor();
    await panel.getByText("Hi! How can we help?").waitFor();
    await expect.poll(async () => (await iframe.boundingBox())?.height, { timeout: PATIENCE }).toBe(648);
    await expect.poll(() => frame.getByRole("textbox", { name: "Message" }).evaluate((element) => element === document.activeElement)).toBe(true);

    // The visitor writes; Shift+Enter is a new line, Enter sends.
    const composer = frame.getByRole("textbox", { name: "Message" });
    await composer.pressSequentially("Hello!");
    await composer.press("Shift+Enter");
    await composer.pressSequentially("Where is my order?");
    await composer.press("Enter");
    const question = "Hello!\nWhere is my order?";
    const log = frame.getByRole("log", { name: "Conversation" });
    await log.getByText("Where is my order?").waitFor({ timeout: PATIENCE });
    // The agent's device has it at once: delivered.
    await log.getByRole("img", { name: "Delivered" }).waitFor({ timeout: PATIENCE });
    expect(await composer.inputValue()).toBe("");

    // The agent sees it, from the shop's page, in a new conversation of the website's.
    await expect.poll(() => messagesOf(agent).map((post) => post.body), { timeout: PATIENCE }).toContain(question);
    const questionFrame = agent.events.find((event) => event.event.type === "MessagePosted" && event.event.body === question);
    const roomId = questionFrame?.room_id ?? "";
    await expect
      .poll(async () => (await owner.api.inbox(websiteId)).find((conversation) => conversation.room_id === roomId)?.page_url, { timeout: PATIENCE })
      .toBe(`http://${shop.domain}/`);

    // The agent types: the visitor sees it; the agent answers, and reads the question.
    agent.session.typing(roomId);
    const typing = frame.getByRole("status").filter({ hasText: "Agent is typing…" });
    await typing.waitFor({ timeout: PATIENCE });
    await agent.session.post(roomId, "It ships tomorrow.").settled;
    await log.getByText("It ships tomorrow.").waitFor({ timeout: PATIENCE });
    await expect.poll(() => typing.count(), { timeout: PATIENCE }).toBe(0);
    await agent.session.markRead(roomId, questionFrame?.seq ?? 0);
    await log.getByRole("img", { name: "Read" }).waitFor({ timeout: PATIENCE });
    // The panel is open and the page visible: the visitor has read the answer.
    const visitorId = questionFrame?.event.type === "MessagePosted" ? questionFrame.event.author : "";
    await expect
      .poll(() => agent.roomEvents(roomId).some((event) => event.event.type === "ReadMarkerMoved" && event.event.user_id === visitorId), { timeout: PATIENCE })
      .toBe(true);
    await screenshot(page, "widget-open");

    // Closed (Escape), the launcher counts what the agent writes, and so does the page's API.
    await page.evaluate(() => {
      const host = window as unknown as { received: unknown[]; ChatWidget: { on: (event: string, listener: (detail: unknown) => void) => void } };
      host.received = [];
      host.ChatWidget.on("message", (detail) => host.received.push(detail));
      host.ChatWidget.on("close", () => host.received.push("closed"));
    });
    await composer.press("Escape");
    await launcher.waitFor({ timeout: PATIENCE });
    await expect.poll(() => launcher.evaluate((element) => element === document.activeElement)).toBe(true);
    // A message that only looks like the widget's, from the page itself, is not passed on.
    await page.evaluate(() => window.postMessage({ channel: "chat-widget/1", type: "message", body: "forged", at: "now" }, "*"));
    await agent.session.post(roomId, "Anything else?").settled;
    const unread = frame.getByRole("button", { name: "Open chat, 1 unread message" });
    await unread.waitFor({ timeout: PATIENCE });
    expect(await unread.innerText()).toBe("1");
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { received: unknown[] }).received), { timeout: PATIENCE })
      .toEqual(["closed", { body: "Anything else?", at: expect.any(String) }]);
    await screenshot(page, "widget-unread");

    // A reload: the same conversation, still with its unread message; opened from the page.
    await page.reload();
    await frame.getByRole("button", { name: "Open chat, 1 unread message" }).waitFor({ timeout: PATIENCE });
    await page.evaluate(() => (window as unknown as { ChatWidget: { open: () => void } }).ChatWidget.open());
    for (const text of ["Where is my order?", "It ships tomorrow.", "Anything else?"]) {
      await log.getByText(text).waitFor({ timeout: PATIENCE });
    }
    await log.getByRole("img", { name: "Read" }).waitFor({ timeout: PATIENCE });

    // And the conversation goes on live after the reload: the agent takes it and resolves it,
    // which the visitor sees as quiet lines; they type (the agent sees it) and write again,
    // which reopens it.
    const me = owner.api.userId ?? "";
    await owner.api.assign(roomId, me);
    await log.getByText("An agent joined the conversation").waitFor({ timeout: PATIENCE });
    await owner.api.resolve(roomId);
    await log.getByText("Conversation resolved").waitFor({ timeout: PATIENCE });
    await composer.fill("No, thanks!");
    await expect
      .poll(() => agent.typing.some((frame) => frame.room_id === roomId && frame.user_id === visitorId && frame.typing), { timeout: PATIENCE })
      .toBe(true);
    await composer.press("Enter");
    await log.getByText("Conversation reopened").waitFor({ timeout: PATIENCE });
    expect(await log.locator(".system").allInnerTexts()).toEqual([
      "An agent joined the conversation",
      "Conversation resolved",
      "Conversation reopened",
    ]);
    await expect.poll(() => messagesOf(agent).map((post) => post.body), { timeout: PATIENCE }).toContain("No, thanks!");
    expect(new Set(messagesOf(agent).filter((post) => post.author === visitorId).map((post) => post.body))).toEqual(new Set([question, "No, thanks!"]));
    await agent.session.post(roomId, "Bye!").settled;
    await log.getByText("Bye!").waitFor({ timeout: PATIENCE });

    // Everything came from the shop or the API (and the gateways); the frame's CSP refused nothing.
    expect([...seen.origins].sort()).toEqual([`http://${shop.domain}`, stack.apiUrl].sort());
    expect(seen.sockets.length).toBeGreaterThan(0);
    for (const socket of seen.sockets) expect(stack.gatewayUrls).toContain(socket);
    expect(seen.refusals).toEqual([]);
    await context.close();
  });

  it("ticks a visitor's messages sent, delivered once an agent's device has them, read once an agent opens them", async () => {
    const { stack, browser } = suite();
    const shop = await site();
    const { websiteId, owner } = await websiteWithSnippet("Ticks Shop", shop);

    // The owner, an agent of the website, has the web client open.
    const agentContext = (await openClient(browser, stack)).context();
    const [firstTab] = agentContext.pages();
    if (firstTab === undefined) throw new Error("no agent page");
    await logIn(firstTab, owner);

    // A visitor writes: their message reaches the agent's device at once, and says so.
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    watch(page);
    await page.goto(`http://${shop.domain}/`);
    const frame = widget(page);
    await frame.getByRole("button", { name: "Open chat", exact: true }).click({ timeout: PATIENCE });
    const composer = frame.getByRole("textbox", { name: "Message" });
    const log = frame.getByRole("log", { name: "Conversation" });
    const mine = (text: string) => log.locator(".line.mine").filter({ hasText: text });
    await composer.fill("Hello?");
    await composer.press("Enter");
    const delivered = mine("Hello?").getByRole("img", { name: "Delivered" });
    await delivered.waitFor({ timeout: PATIENCE });
    expect(await delivered.getAttribute("title")).toBe("Delivered");
    expect(await delivered.innerText()).toBe("✓✓");

    // The agent closes the client; the next message reaches the server, and no agent's device.
    await firstTab.close();
    await composer.fill("Is anyone there?");
    await composer.press("Enter");
    const sent = mine("Is anyone there?").getByRole("img", { name: "Sent" });
    await sent.waitFor({ timeout: PATIENCE });
    expect(await sent.getAttribute("title")).toBe("Sent");
    expect(await sent.innerText()).toBe("✓");
    await expect
      .poll(async () => (await owner.api.inbox(websiteId)).map((conversation) => conversation.last_message_preview), { timeout: PATIENCE })
      .toEqual(["Is anyone there?"]);
    expect(await mine("Is anyone there?").getByRole("img", { name: "Delivered" }).count()).toBe(0);
    await screenshot(page, "widget-ticks-sent");

    // The agent opens the client again: it resumes the conversation and receives the message,
    // which the visitor sees delivered, without a reload.
    const client = await agentContext.newPage();
    await client.goto(`${stack.apiUrl}/`);
    await mine("Is anyone there?").getByRole("img", { name: "Delivered" }).waitFor({ timeout: PATIENCE });
    const deliveredColour = await delivered.evaluate((element) => getComputedStyle(element).color);

    // The agent opens the conversation in the inbox: both are read, in another colour.
    await client.getByRole("link", { name: /Support/ }).click({ timeout: PATIENCE });
    await client.getByRole("list", { name: "Your websites" }).getByRole("link", { name: /Ticks Shop/ }).click();
    await client.getByRole("navigation", { name: "Website sections" }).getByRole("link", { name: "Inbox" }).click();
    const row = client.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: "Is anyone there?" });
    await row.getByRole("link").click({ timeout: PATIENCE });
    const read = log.getByRole("img", { name: "Read" });
    await expect.poll(() => read.count(), { timeout: PATIENCE }).toBe(2);
    expect(await read.first().getAttribute("title")).toBe("Read");
    expect(await read.first().innerText()).toBe("✓✓");
    expect(await read.first().evaluate((element) => getComputedStyle(element).color)).not.toBe(deliveredColour);
    await screenshot(page, "widget-ticks-read");
    await agentContext.close();
    await context.close();
  });

  it("asks a visitor on a phone for their name first, in German, and says when nobody is there", async () => {
    const { browser } = suite();
    const shop = await site();
    const { websiteId, owner } = await websiteWithSnippet("Gartenladen", shop, "&language=de&position=left");
    const website = await owner.api.website(websiteId);
    // Closed every day: whoever is online, the widget says nobody answers now.
    await owner.api.changeWidget(websiteId, {
      ...website.settings,
      pre_chat_form: true,
      business_hours: { time_zone: "Europe/Berlin", days: [null, null, null, null, null, null, null] },
    });
    await expect.poll(async () => (await owner.api.website(websiteId)).settings.pre_chat_form, { timeout: PATIENCE }).toBe(true);

    // axe-core is injected into the frame as a script, which the frame's CSP would refuse.
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "de-DE", bypassCSP: true });
    const page = await context.newPage();
    watch(page);
    await page.goto(`http://${shop.domain}/`);
    const frame = widget(page);
    const launcher = frame.getByRole("button", { name: "Chat öffnen", exact: true });
    await launcher.waitFor({ timeout: PATIENCE });
    expect((await page.locator('iframe[title="Chat"]').boundingBox())?.x).toBe(0);
    await launcher.click();

    // On a phone the panel covers the page.
    const panel = frame.getByRole("dialog", { name: "Gartenladen" });
    await panel.waitFor({ timeout: PATIENCE });
    await expect.poll(async () => await page.locator('iframe[title="Chat"]').boundingBox(), { timeout: PATIENCE }).toEqual({ x: 0, y: 0, width: 375, height: 740 });
    await panel.getByText("Wir sind gerade nicht da – hinterlassen Sie eine Nachricht, wir melden uns bei Ihnen").waitFor();
    await panel.getByText("Hallo! Wie können wir helfen?").waitFor();
    expect(await seriousViolations(await widgetFrame(page))).toEqual([]);

    // The pre-chat form: a name first, then the message (taken though nobody is there).
    await panel.getByText("Bevor es losgeht: Wie heißen Sie?").waitFor();
    expect(await frame.getByRole("textbox", { name: "Nachricht" }).count()).toBe(0);
    await panel.getByLabel("Ihr Name").fill("Ada");
    // The email is optional, but must be an address if given.
    const email = panel.getByLabel(/Ihre E-Mail/);
    await email.fill("ada@");
    expect(await panel.getByRole("button", { name: "Chat starten" }).isDisabled()).toBe(true);
    await email.fill("ada@garten.example");
    await panel.getByRole("button", { name: "Chat starten" }).click();
    const composer = frame.getByRole("textbox", { name: "Nachricht" });
    await composer.fill("Haben Sie Rosen?");
    await composer.press("Enter");
    await frame.getByRole("log", { name: "Gespräch" }).getByRole("img", { name: "Gesendet" }).waitFor({ timeout: PATIENCE });
    await expect
      .poll(
        async () =>
          (await owner.api.inbox(websiteId)).map((conversation) => [
            conversation.visitor_name,
            conversation.visitor_email,
            conversation.language,
            conversation.last_message_preview,
          ]),
        { timeout: PATIENCE },
      )
      .toEqual([["Ada", "ada@garten.example", "de-DE", "Haben Sie Rosen?"]]);
    expect(await seriousViolations(await widgetFrame(page))).toEqual([]);
    await screenshot(page, "widget-phone-de");

    // Closed with the panel's own button: the launcher comes back.
    await panel.getByRole("button", { name: "Chat schließen" }).click();
    await launcher.waitFor({ timeout: PATIENCE });
    expect(await page.locator('iframe[title="Chat"]').boundingBox()).toMatchObject({ x: 0, width: 96, height: 96 });
    await context.close();
  });

  it("knows a logged-in user of the website on every device, and forgets them when they log out", async () => {
    const { stack, browser } = suite();
    const shop = await site();
    const { websiteId, owner } = await websiteWithSnippet("Members Shop", shop);
    // The website's server signs its logged-in user's id (api.md §12.4); here, the test does.
    const secret = await owner.api.rotateIdentitySecret(websiteId);
    const userHash = createHmac("sha256", secret).update("member-42").digest("hex");
    const identify = `<script>ChatWidget.identify(${JSON.stringify({ userId: "member-42", userHash, name: "Ada Lovelace", email: "ada@members.example" })});</script>`;
    // Not async: the page's calls right after it need `ChatWidget`.
    const loader = `<script src="${stack.apiUrl}/embed.js?id=${websiteId}"></script>`;
    shop.serve("/account", `<!doctype html><html><head>${loader}${identify}</head><body><p>Your account</p></body></html>`, "text/html; charset=utf-8");
    shop.serve("/logout", `<!doctype html><html><head>${loader}<script>ChatWidget.reset();</script></head><body><p>Bye</p></body></html>`, "text/html; charset=utf-8");

    // On the laptop: logged in, they write.
    const laptop = await browser.newContext();
    const laptopPage = await laptop.newPage();
    watch(laptopPage);
    await laptopPage.goto(`http://${shop.domain}/account`);
    await widget(laptopPage).getByRole("button", { name: "Open chat", exact: true }).click({ timeout: PATIENCE });
    const composer = widget(laptopPage).getByRole("textbox", { name: "Message" });
    await composer.fill("My invoice is missing.");
    await composer.press("Enter");
    await widget(laptopPage).getByRole("log", { name: "Conversation" }).getByRole("img", { name: "Sent" }).waitFor({ timeout: PATIENCE });
    await expect
      .poll(async () => (await owner.api.inbox(websiteId)).map((c) => [c.visitor_name, c.visitor_email, c.visitor_external_id]), { timeout: PATIENCE })
      .toEqual([["Ada Lovelace", "ada@members.example", "member-42"]]);

    // On the phone, another browser with nothing stored: the same conversation.
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const phonePage = await phone.newPage();
    watch(phonePage);
    await phonePage.goto(`http://${shop.domain}/account`);
    await widget(phonePage).getByRole("button", { name: "Open chat", exact: true }).click({ timeout: PATIENCE });
    await widget(phonePage).getByRole("log", { name: "Conversation" }).getByText("My invoice is missing.").waitFor({ timeout: PATIENCE });
    await screenshot(phonePage, "widget-identified-phone");
    await phone.close();

    // Logged out on the laptop (the panel stays open in this tab): the widget forgets them; the
    // next visitor starts afresh.
    await laptopPage.goto(`http://${shop.domain}/logout`);
    await widget(laptopPage).getByRole("textbox", { name: "Message" }).waitFor({ timeout: PATIENCE });
    await expect.poll(() => widget(laptopPage).getByText("My invoice is missing.").count(), { timeout: PATIENCE }).toBe(0);
    expect((await owner.api.inbox(websiteId)).length).toBe(1);
    await laptop.close();
  });

  it("shows nothing on a page whose domain the website has not verified", async () => {
    const { stack, browser } = suite();
    const shop = await site();
    const { websiteId } = await websiteWithSnippet("Acme Shop", shop);
    const stranger = await site();
    stranger.serve("/", shopPage(snippet(stack.apiUrl, websiteId)), "text/html; charset=utf-8");
    // The widget's page may be framed by the website's verified origins only.
    const answer = await fetch(`${stack.apiUrl}/widget/${websiteId}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-security-policy")).toMatch(new RegExp(`frame-ancestors https://${shop.domain} http://${shop.domain}(;|$)`));

    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const seen = watch(page);
    const refused = page.waitForEvent("console", {
      predicate: (message) => message.text().includes("frame-ancestors"),
      timeout: PATIENCE,
    });
    await page.goto(`http://${stranger.domain}/`);
    // The browser refuses to frame the widget there ...
    const refusal = (await refused).text();
    expect(refusal).toContain(`http://${shop.domain}`);
    expect(refusal).not.toContain(stranger.domain);
    // ... so the loader's frame never shows, and nothing of the widget is in it.
    const iframe = page.locator('iframe[title="Chat"]');
    await expect.poll(() => iframe.count(), { timeout: PATIENCE }).toBe(1);
    expect(await iframe.isVisible()).toBe(false);
    const child = await (await iframe.elementHandle())?.contentFrame();
    expect(child?.url()).not.toContain("/widget/");
    expect(await widget(page).getByRole("button").count()).toBe(0);
    expect(seen.refusals.length).toBeGreaterThan(0);
    await page.getByRole("heading", { name: "Acme Shop" }).waitFor();
    await context.close();
  });

  it("is added once, however often the snippet is loaded, and takes the page's calls made before it is ready", async () => {
    const { stack, browser } = suite();
    const shop = await site();
    const { websiteId, owner } = await websiteWithSnippet("Twice Shop", shop);
    const src = `${stack.apiUrl}/embed.js?id=${websiteId}`;
    // In the head, before the body exists, and not async: the page's calls right after it come
    // long before the frame is ready, and wait for it.
    shop.serve(
      "/twice",
      `<!doctype html><html><head><script src="${src}"></script>
<script>ChatWidget.identify({ name: "Grace Hopper" }); ChatWidget.open();</script></head>
<body><p>Twice</p><script src="${src}" async></script></body></html>`,
      "text/html; charset=utf-8",
    );

    // (The accessibility checks inject axe-core into the frame, past its CSP.)
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    watch(page);
    await page.goto(`http://${shop.domain}/twice`);
    const panel = widget(page).getByRole("dialog", { name: "Twice Shop" });
    await panel.waitFor({ timeout: PATIENCE });
    await page.evaluate(() => new Promise<void>((resolveReady) => (window as unknown as { ChatWidget: { on: (event: string, listener: () => void) => void } }).ChatWidget.on("ready", () => resolveReady())));
    expect(await page.locator("iframe").count()).toBe(1);

    const composer = widget(page).getByRole("textbox", { name: "Message" });
    await composer.fill("Is this thing on?");
    await composer.press("Enter");
    await expect
      .poll(async () => (await owner.api.inbox(websiteId)).map((conversation) => conversation.visitor_name), { timeout: PATIENCE })
      .toEqual(["Grace Hopper"]);
    await widget(page).getByRole("log", { name: "Conversation" }).getByRole("img", { name: "Sent" }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(await widgetFrame(page))).toEqual([]);
    await page.evaluate(() => (window as unknown as { ChatWidget: { close: () => void } }).ChatWidget.close());
    await widget(page).getByRole("button", { name: "Open chat", exact: true }).waitFor({ timeout: PATIENCE });
    expect(await seriousViolations(await widgetFrame(page))).toEqual([]);
    await context.close();
  });
});

/** The widget's frame (once it has loaded the widget page). */
async function widgetFrame(page: Page): Promise<Frame> {
  const frame = await (await page.locator('iframe[title="Chat"]').elementHandle())?.contentFrame();
  if (frame == null) throw new Error("no widget frame");
  return frame;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical violations in a frame as it is now. */
async function seriousViolations(frame: Frame): Promise<Array<{ id: string; help: string; targets: string[] }>> {
  await frame.addScriptTag({ content: AXE_SOURCE });
  const violations = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, help: violation.help, targets: violation.nodes.map((node) => node.target.join(" ")) }));
}

async function fetchJson(apiUrl: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(apiUrl + path);
  return response.ok ? ((await response.json()) as Record<string, unknown>) : {};
}
