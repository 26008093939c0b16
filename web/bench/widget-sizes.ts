/**
 * What a visitor downloads for the widget: the loader, the frame's page, every script and style
 * sheet the frame loads and the widget's settings (JSON), as Chromium fetched them from the
 * running server during one first visit, so that nothing the frame loads is missed. For each:
 * its size, its size gzipped at level 9 (what a compressing server or CDN would send), and what
 * the server actually sent (body bytes on the wire, with their `Content-Encoding`), and how long
 * a returning visitor's browser may keep it (`Cache-Control`).
 */

import { gzipSync } from "node:zlib";

import type { Browser, Request } from "playwright-core";

import { timedLoad } from "./page-load";

export interface Download {
  /** The path, with the website's id as `{id}` and without the query. */
  path: string;
  /** Chromium's resource type: `script`, `document`, `stylesheet`, `fetch`. */
  type: string;
  raw: number;
  gzip9: number;
  sent: number;
  encoding: string;
  cache_control: string;
}

/** What the page at `url` downloads from `apiOrigin`, in the order it asked for it. */
export async function recordDownloads(browser: Browser, url: string, apiOrigin: string): Promise<Download[]> {
  const context = await browser.newContext();
  try {
    const pending: Array<Promise<Download>> = [];
    context.on("requestfinished", (request) => {
      if (new URL(request.url()).origin === apiOrigin) pending.push(download(request));
    });
    await timedLoad(context, url);
    return await Promise.all(pending);
  } finally {
    await context.close();
  }
}

async function download(request: Request): Promise<Download> {
  const response = await request.response();
  if (response === null) throw new Error(`no response to ${request.url()}`);
  const body = await response.body();
  return {
    path: new URL(request.url()).pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, "{id}"),
    type: request.resourceType(),
    raw: body.length,
    gzip9: gzipSync(body, { level: 9 }).length,
    sent: (await request.sizes()).responseBodySize,
    encoding: (await response.headerValue("content-encoding")) ?? "identity",
    cache_control: (await response.headerValue("cache-control")) ?? "",
  };
}

/** The sums of `downloads`' sizes. */
export function total(downloads: Download[]): { raw: number; gzip9: number; sent: number } {
  return downloads.reduce((sum, one) => ({ raw: sum.raw + one.raw, gzip9: sum.gzip9 + one.gzip9, sent: sum.sent + one.sent }), { raw: 0, gzip9: 0, sent: 0 });
}
