/**
 * Builds the web client into `web/dist/` (index.html and hashed `assets/`), which the API role
 * serves at `/`, and the API reference page into `web/dist/docs/` from swagger-ui-dist's files.
 * JSX is compiled for Preact by Vite's own transformer: no framework plugin (and no Babel) needed.
 */

import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { type Plugin, defineConfig } from "vite";

const CLIENT = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(CLIENT, "../dist");

/** Copies the /docs page (our HTML and init script, swagger-ui-dist's CSS and bundle) into dist/docs/. */
function apiReferencePage(): Plugin {
  return {
    name: "api-reference-page",
    apply: "build",
    closeBundle() {
      const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
      const target = resolve(DIST, "docs");
      mkdirSync(target, { recursive: true });
      for (const file of ["index.html", "init.js"]) copyFileSync(resolve(CLIENT, "docs", file), resolve(target, file));
      for (const file of ["swagger-ui.css", "swagger-ui-bundle.js"]) copyFileSync(resolve(swagger, file), resolve(target, file));
    },
  };
}

export default defineConfig({
  root: CLIENT,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: DIST,
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
  },
  plugins: [apiReferencePage()],
});
