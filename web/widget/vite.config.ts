/**
 * Builds the support widget into `web/dist/widget/`, next to the web client (which builds first
 * and empties `web/dist/`; this build replaces only `dist/widget/`):
 *
 * - the page the loader frames, `index.html` with hashed `assets/` under the base `/widget/`
 *   (the API serves it at `/widget/{website_id}` and the assets at `/widget/assets/…`);
 * - the loader, `embed.js`: one classic script (an IIFE), not hashed, since every website's
 *   snippet names it; built by a second, library-mode build once the page's is written.
 *
 * JSX is compiled for Preact by Vite's own transformer, as for the client.
 */

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { type Plugin, build, defineConfig } from "vite";

const WIDGET = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(WIDGET, "../dist/widget");

/** After the page, the loader: `dist/widget/embed.js`, a self-contained IIFE. */
function loaderBuild(): Plugin {
  return {
    name: "widget-loader",
    apply: "build",
    async closeBundle() {
      await build({
        configFile: false,
        root: WIDGET,
        logLevel: "warn",
        build: {
          outDir: OUT,
          emptyOutDir: false,
          target: "es2019",
          minify: true,
          lib: {
            entry: resolve(WIDGET, "src/embed.ts"),
            formats: ["iife"],
            name: "ChatWidgetLoader",
            fileName: () => "embed.js",
          },
        },
      });
    },
  };
}

export default defineConfig({
  root: WIDGET,
  base: "/widget/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: OUT,
    // Only dist/widget/: the client's files around it stay.
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
  },
  plugins: [loaderBuild()],
});
