/**
 * The client's JavaScript budget: everything under dist/assets/*.js (the /docs page's Swagger
 * UI is not the client's and is not counted) must stay within 150 KB gzipped. Needs a build.
 */

import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { DIST } from "./system";

const BUDGET_BYTES = 150 * 1024;

describe("the client's bundle", () => {
  it("is at most 150 KB of gzipped JavaScript", () => {
    const assets = resolve(DIST, "assets");
    const scripts = readdirSync(assets).filter((name) => name.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(resolve(assets, name)), { level: 9 }).length, 0);
    process.stdout.write(`client JavaScript: ${scripts.length} file(s), ${(gzipped / 1024).toFixed(1)} KB gzipped (budget 150 KB)\n`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("loads nothing from another origin", () => {
    const html = readFileSync(resolve(DIST, "index.html"), "utf8") + readFileSync(resolve(DIST, "docs/index.html"), "utf8");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
