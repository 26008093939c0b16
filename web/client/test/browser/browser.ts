/**
 * What the browser tests share: the system under test and Chromium (`system.ts`) started around
 * each test file, and helpers that act and look as a person does: by role, label and text.
 * Screenshots go to target/screenshots/ at the repository's root on every run.
 */

import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, onTestFailed } from "vitest";

import type { Account, Stack } from "../../../sdk/test/system/harness";
import { launchChromium, webStack } from "./system";

/** target/screenshots/ at the repository's root. */
const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../target/screenshots");

/** How long a person would wait for something to appear (ms). */
export const PATIENCE = 30_000;

/** What a test file's tests run against. */
export interface WebSuite {
  stack: Stack;
  browser: Browser;
  /** The two gateways' WebSocket URLs. */
  gateways: [string, string];
}

export interface WebSuiteOptions {
  /**
   * Extra environment for every server role, e.g. `CHAT_VERIFY_ALLOW_LOOPBACK: "true"` (a test
   * setting) so that domain checks may fetch from a site the test serves on 127.0.0.1.
   */
  env?: Record<string, string>;
}

/**
 * Starts a stack (two gateways) and Chromium before the calling test file's tests and stops
 * them after; the answer gives them to a test (and throws if they did not start).
 */
export function webSuite(options: WebSuiteOptions = {}): () => WebSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    stack = await webStack(options.env ?? {});
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  return () => {
    const [first, second] = stack?.gatewayUrls ?? [];
    if (stack === undefined || browser === undefined || first === undefined || second === undefined) {
      throw new Error("the stack or the browser did not start");
    }
    return { stack, browser, gateways: [first, second] };
  };
}

export interface PageOptions {
  /** Pin this gateway (`?gateway=`); the configured ones otherwise. */
  gateway?: string;
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  /** Only for the accessibility checks, which inject axe-core's source as a script. */
  bypassCSP?: boolean;
}

/** A fresh browser profile (its own localStorage) on the client's start page. */
export async function openClient(browser: Browser, stack: Stack, options: PageOptions = {}): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 800 },
    colorScheme: options.colorScheme ?? "light",
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => process.stderr.write(`[page] ${error.message}\n`));
  watchCsp(page);
  // When the test fails, what the page showed at that moment is the first clue.
  const shot = `failed-${slug(expect.getState().currentTestName ?? "test")}-${(pageCount += 1)}`;
  onTestFailed(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, `${shot}.png`) }).catch(() => undefined);
  });
  const query = options.gateway === undefined ? "" : `?gateway=${encodeURIComponent(options.gateway)}`;
  await page.goto(`${stack.apiUrl}/${query}`);
  return page;
}

let pageCount = 0;

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 60);
}

const refusals = new WeakMap<Page, string[]>();

/** Records what the page's Content-Security-Policy refused (Chromium reports it on the console). */
export function watchCsp(page: Page): void {
  const refused: string[] = [];
  refusals.set(page, refused);
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) refused.push(message.text());
  });
}

/** What the CSP refused on a page opened by `openClient` (or watched with `watchCsp`). */
export function cspRefusals(page: Page): string[] {
  return refusals.get(page) ?? [];
}

/** Logs in through the form and waits for the room list. */
export async function logIn(page: Page, account: Account): Promise<void> {
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("navigation", { name: "Rooms" }).waitFor({ timeout: PATIENCE });
}

/** The room list's link to the room titled `name` (not one whose preview merely mentions it). */
export function roomEntry(page: Page, name: string): Locator {
  return page
    .getByRole("navigation", { name: "Rooms" })
    .getByRole("listitem")
    .filter({ has: page.getByText(name, { exact: true }) })
    .getByRole("link");
}

/** Opens a room from the list by its name. */
export async function enterRoom(page: Page, name: string): Promise<void> {
  await roomEntry(page, name).click();
  await page.getByRole("heading", { name, level: 2 }).waitFor({ timeout: PATIENCE });
}

/** Types a message into the open room's composer and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: /^Message / });
  await box.fill(text);
  await box.press("Enter");
}

/** The rows of messages whose text is exactly `text`. */
export function messageRows(page: Page, text: string): Locator {
  return page.getByRole("article").filter({ has: page.getByText(text, { exact: true }) });
}

/** Waits until exactly one row shows `text`. */
export async function seeOnce(page: Page, text: string): Promise<Locator> {
  const rows = messageRows(page, text);
  await expect.poll(() => rows.count(), { timeout: PATIENCE }).toBe(1);
  return rows;
}

/** The message texts on screen, top to bottom. */
export function visibleBodies(page: Page): Promise<string[]> {
  return page.getByRole("article").evaluateAll((rows) => rows.map((row) => row.querySelector("p:last-of-type")?.textContent ?? ""));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Array<{ id: string; help: string; targets: string[] }>> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({ id: violation.id, help: violation.help, targets: violation.nodes.map((node) => node.target.join(" ")) }));
}
