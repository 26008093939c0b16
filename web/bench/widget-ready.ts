/**
 * The support widget's benchmark (`npm run bench:widget -- --runs 30`): what a visitor downloads
 * for it, and how long after a page's navigation starts the widget is ready, against a same-run
 * baseline. No test asserts on any of it.
 *
 * It starts the real system as the browser tests do (`chat` roles on a fresh database, the API
 * serving web/dist, which `npm run build` makes), registers a website and verifies the domain of
 * a site served on 127.0.0.1. That site serves two pages with the same content and probe: one
 * with the snippet, and the baseline, with a plain `<iframe>` of a tiny page from a third origin
 * that posts a message to its parent once loaded. The baseline is what any cross-origin frame
 * costs the browser; the widget's extra time over it is the loader's and the widget app's.
 *
 * The widget's API and the baseline's frame are addressed as `localhost`, a site other than
 * 127.0.0.1: on a real website the frame is cross-site too, and Chromium's site isolation
 * gives it a process of its own.
 *
 * Each round loads both pages twice, the order alternating between rounds: as a first visit (a
 * fresh browser context: no cache, no connections) and as a returning visitor (one context per
 * page kept for the whole run: a warm HTTP cache). The first rounds are warm-ups.
 */

import { parseArgs } from "node:util";

import type { Browser, BrowserContext } from "playwright-core";

import { chatBinary } from "../sdk/test/system/harness";
import { type LocalSite, startLocalSite } from "../client/test/browser/local-site";
import { launchChromium, webStack } from "../client/test/browser/system";
import { shopPage, snippet, verifiedWebsite } from "../widget/test/browser/website";
import { BASELINE_FRAME, PROBE, baselineFrame, timedLoad } from "./page-load";
import { type Loads, VARIANTS, type Variant, report } from "./widget-report";
import { recordDownloads } from "./widget-sizes";

const WARMUP_ROUNDS = 2;
const HTML = "text/html; charset=utf-8";
const VIEWPORT = { viewport: { width: 1200, height: 800 } };

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { runs: { type: "string", default: "30" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of page loads, at least 1, not ${values.runs}`);

  // Domain checks may fetch from the site served here on 127.0.0.1 (a test-only setting).
  const stack = await webStack({ CHAT_VERIFY_ALLOW_LOOPBACK: "true" });
  const sites: LocalSite[] = [];
  let browser: Browser | undefined;
  try {
    const shop = await startLocalSite();
    sites.push(shop);
    const frames = await startLocalSite();
    sites.push(frames);
    const { websiteId } = await verifiedWebsite(stack, "Acme Shop", shop);
    const api = onLocalhost(stack.apiUrl);
    frames.serve("/frame", BASELINE_FRAME, HTML);
    shop.serve("/widget", shopPage(snippet(api, websiteId), PROBE), HTML);
    shop.serve("/baseline", shopPage(baselineFrame(`${onLocalhost(`http://${frames.domain}`)}/frame`), PROBE), HTML);
    const urls: Record<Variant, string> = { widget: `http://${shop.domain}/widget`, baseline: `http://${shop.domain}/baseline` };

    browser = await launchChromium();
    const downloads = await recordDownloads(browser, urls.widget, api);
    const loads = await measure(browser, urls, runs);
    await report({ runs, warmupRounds: WARMUP_ROUNDS, server: chatBinary(), chromium: browser.version(), downloads, loads });
  } finally {
    await browser?.close();
    await Promise.all(sites.map((site) => site.close()));
    await stack.stop();
  }
}

/** `http://127.0.0.1:<port>` as `http://localhost:<port>`: the same server, another site. */
function onLocalhost(url: string): string {
  const parsed = new URL(url);
  parsed.hostname = "localhost";
  return parsed.origin;
}

async function measure(browser: Browser, urls: Record<Variant, string>, runs: number): Promise<Loads> {
  const loads: Loads = { first: { widget: [], baseline: [] }, returning: { widget: [], baseline: [] } };
  const returning: Record<Variant, BrowserContext> = { widget: await browser.newContext(VIEWPORT), baseline: await browser.newContext(VIEWPORT) };
  try {
    for (let round = 0; round < WARMUP_ROUNDS + runs; round += 1) {
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const variant of order) {
        const fresh = await browser.newContext(VIEWPORT);
        const first = await timedLoad(fresh, urls[variant]).finally(() => fresh.close());
        const again = await timedLoad(returning[variant], urls[variant]);
        if (round < WARMUP_ROUNDS) continue;
        loads.first[variant].push(first);
        loads.returning[variant].push(again);
      }
    }
  } finally {
    await Promise.all(Object.values(returning).map((context) => context.close()));
  }
  return loads;
}
