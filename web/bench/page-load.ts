/**
 * One timed page load of a host page that frames something: the widget through its snippet, or
 * the baseline's plain `<iframe>`. Both pages carry the same probe in their head, so that what
 * differs between them is only what the frame costs. Times are `performance.now()` in the host
 * page, i.e. milliseconds since its navigation started.
 *
 * Around the two end points (the host's `load` event, and the frame's `ready`) the load is cut
 * into milestones from the Navigation and Resource Timing entries of the page and of its frame,
 * put on the host's clock by the difference of their `performance.timeOrigin`s: where the time
 * to `ready` goes.
 */

import type { BrowserContext, Frame, Page } from "playwright-core";

/** What the baseline's frame posts to its parent once loaded. */
const FRAME_LOADED = "bench:frame-loaded";

/**
 * The host page's probe. `ChatWidget` exists only once the async loader has run, so a
 * capturing listener for the loader script's `load` event (right after it ran) subscribes to
 * `ready`; the baseline's frame says it loaded with a message.
 */
export const PROBE = `<script>
window.bench = {};
addEventListener("load", () => { bench.load = performance.now(); });
document.addEventListener("load", (event) => {
  const script = event.target;
  if (!(script instanceof HTMLScriptElement) || !script.src.includes("/embed.js")) return;
  bench.loaderRan = performance.now();
  ChatWidget.on("ready", () => { bench.ready = performance.now(); });
}, true);
addEventListener("message", (event) => { if (event.data === "${FRAME_LOADED}") bench.ready = performance.now(); });
</script>`;

/** The baseline's framed page: tiny, and it tells its parent when it has loaded. */
export const BASELINE_FRAME = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frame</title></head>
<body><script>addEventListener("load", () => parent.postMessage("${FRAME_LOADED}", "*"));</script></body></html>`;

/** The baseline's frame on a host page: where and as large as the widget's closed launcher. */
export function baselineFrame(src: string): string {
  return `<iframe src="${src}" title="Baseline" style="position:fixed;bottom:0;right:0;width:96px;height:96px;border:0"></iframe>`;
}

/** Milestones of one load (ms since the host's navigation start); absent where they do not apply. */
export interface Milestones {
  /** The host page's HTML received, and parsed (`domInteractive`). */
  host_html: number;
  host_parsed: number;
  /** `/embed.js` received, and run: its `load` event, just after it added the frame (the widget only). */
  loader_fetched?: number;
  loader_ran?: number;
  /** The frame's navigation started, and its HTML was received. */
  frame_start: number;
  frame_html: number;
  /** The last script or style sheet of the frame received (the widget only). */
  frame_assets?: number;
  /** The widget's `GET /v1/widget/{id}` sent and answered (the widget only). */
  api_sent?: number;
  api_answered?: number;
  /** The widget's `ready`, or the baseline frame's message. */
  ready: number;
  /** The host page's `load` event. */
  load: number;
}

interface HostProbe {
  timeOrigin: number;
  html: number;
  parsed: number;
  loader?: { fetched: number };
  loaderRan?: number;
  ready: number;
  load: number;
}

interface FrameTimings {
  timeOrigin: number;
  html: number;
  resources: Array<{ name: string; initiatorType: string; startTime: number; responseEnd: number }>;
}

/** Opens `url` in a new tab of `context` and waits for the frame's `ready` and the page's `load`. */
export async function timedLoad(context: BrowserContext, url: string, withinMs = 30_000): Promise<Milestones> {
  const page = await context.newPage();
  try {
    await page.goto(url, { timeout: withinMs });
    await page.waitForFunction(() => {
      const bench = (window as unknown as { bench: { ready?: number; load?: number } }).bench;
      return bench.ready !== undefined && bench.load !== undefined;
    }, undefined, { timeout: withinMs });
    return milestones(await hostProbe(page), await frameTimings(page));
  } finally {
    await page.close();
  }
}

function hostProbe(page: Page): Promise<HostProbe> {
  return page.evaluate(() => {
    const bench = (window as unknown as { bench: { ready: number; load: number; loaderRan?: number } }).bench;
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const loader = performance.getEntriesByType("resource").find((entry) => entry.name.includes("/embed.js")) as PerformanceResourceTiming | undefined;
    return {
      timeOrigin: performance.timeOrigin,
      html: navigation.responseEnd,
      parsed: navigation.domInteractive,
      ...(loader === undefined ? {} : { loader: { fetched: loader.responseEnd } }),
      ...(bench.loaderRan === undefined ? {} : { loaderRan: bench.loaderRan }),
      ready: bench.ready,
      load: bench.load,
    };
  });
}

function frameTimings(page: Page): Promise<FrameTimings> {
  const frame: Frame | undefined = page.mainFrame().childFrames()[0];
  if (frame === undefined) throw new Error(`no frame on ${page.url()}`);
  return frame.evaluate(() => ({
    timeOrigin: performance.timeOrigin,
    html: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).responseEnd,
    resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map(({ name, initiatorType, startTime, responseEnd }) => ({
      name,
      initiatorType,
      startTime,
      responseEnd,
    })),
  }));
}

function milestones(host: HostProbe, frame: FrameTimings): Milestones {
  const offset = frame.timeOrigin - host.timeOrigin;
  const assets = frame.resources.filter((entry) => entry.initiatorType === "script" || entry.initiatorType === "link" || entry.initiatorType === "css");
  const api = frame.resources.find((entry) => entry.initiatorType === "fetch" && entry.name.includes("/v1/widget/"));
  return {
    host_html: host.html,
    host_parsed: host.parsed,
    ...(host.loader === undefined ? {} : { loader_fetched: host.loader.fetched }),
    ...(host.loaderRan === undefined ? {} : { loader_ran: host.loaderRan }),
    frame_start: offset,
    frame_html: offset + frame.html,
    ...(assets.length === 0 ? {} : { frame_assets: offset + Math.max(...assets.map((entry) => entry.responseEnd)) }),
    ...(api === undefined ? {} : { api_sent: offset + api.startTime, api_answered: offset + api.responseEnd }),
    ready: host.ready,
    load: host.load,
  };
}
