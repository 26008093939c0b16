/**
 * The widget's budgets, on the build (`npm run build` first): the loader every website's pages
 * load, `dist/widget/embed.js`, at most 5 KB gzipped; the widget's own JavaScript under
 * `dist/widget/assets/`, at most 40 KB gzipped; and nothing in either that loads from another
 * origin (no CDN, no web fonts: the frame's CSP would refuse them anyway).
 */

import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { DIST } from "../../../client/test/browser/system";

const WIDGET = resolve(DIST, "widget");
const ASSETS = resolve(WIDGET, "assets");
const LOADER_BUDGET = 5 * 1024;
const APP_BUDGET = 40 * 1024;

function gzipped(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

function assets(extension: string): string[] {
  return readdirSync(ASSETS)
    .filter((name) => name.endsWith(extension))
    .map((name) => resolve(ASSETS, name));
}

describe("the widget's bundle", () => {
  it("has a loader of at most 5 KB gzipped, one classic script", () => {
    const loader = resolve(WIDGET, "embed.js");
    const size = gzipped(loader);
    process.stdout.write(`widget loader: ${(size / 1024).toFixed(1)} KB gzipped (budget 5 KB)\n`);
    expect(size).toBeLessThanOrEqual(LOADER_BUDGET);
    const source = readFileSync(loader, "utf8");
    // A classic `<script async>`: no module syntax, nothing else fetched.
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
    expect(source).not.toMatch(/\bimport\s*\(/);
  });

  it("has at most 40 KB of gzipped JavaScript in the widget", () => {
    const scripts = assets(".js");
    expect(scripts.length).toBeGreaterThan(0);
    const size = scripts.reduce((sum, path) => sum + gzipped(path), 0);
    process.stdout.write(`widget JavaScript: ${scripts.length} file(s), ${(size / 1024).toFixed(1)} KB gzipped (budget 40 KB)\n`);
    expect(size).toBeLessThanOrEqual(APP_BUDGET);
  });

  it("loads nothing from another origin", () => {
    const html = readFileSync(resolve(WIDGET, "index.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toMatch(/src="\/widget\/assets\/[^"]+\.js"/);
    for (const path of assets(".css")) {
      const css = readFileSync(path, "utf8");
      expect(css).not.toMatch(/@import/);
      expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    }
    for (const path of [...assets(".js"), resolve(WIDGET, "embed.js")]) {
      expect(readFileSync(path, "utf8")).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}/i);
    }
  });
});
