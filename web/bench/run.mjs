/**
 * Runs a TypeScript benchmark of web/bench/: `node bench/run.mjs <script.ts> [arguments…]` calls
 * the script's `main(arguments)`. Node 20 does not run TypeScript, and the code the benchmarks
 * share with the tests resolves imports as a bundler does; Vite's module runner loads it with the
 * same transform and resolution as vitest does for the tests.
 */

import { resolve } from "node:path";

import { runnerImport } from "vite";

const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  console.error("usage: node bench/run.mjs <script.ts> [arguments…]");
  process.exit(2);
}
const { module } = await runnerImport(resolve(script), { configFile: false, logLevel: "warn" });
await module.main(args);
