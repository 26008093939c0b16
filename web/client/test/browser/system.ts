/**
 * The system under test of the browser tests and the browser benchmarks (web/bench/): the real
 * binaries with the API serving the built client and widget from web/dist, and Debian's
 * Chromium driven by playwright-core (never a downloaded browser). Apart from `browser.ts`
 * because it must not import vitest: the benchmarks are scripts, not tests.
 */

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { type Browser, chromium } from "playwright-core";

import { Stack } from "../../../sdk/test/system/harness";

/** web/ */
const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const DIST = resolve(WEB_ROOT, "dist");

/** A stack (two gateways) whose API serves the built client; `env` is extra server configuration. */
export async function webStack(env: Record<string, string>): Promise<Stack> {
  if (!existsSync(resolve(DIST, "index.html"))) throw new Error(`no built client in ${DIST}: run npm run build`);
  return Stack.start({ gateways: 2, webDir: DIST, env });
}

/** `$CHROMIUM_BIN`, else Debian's /usr/bin/chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env["CHROMIUM_BIN"] ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox"],
  });
}
