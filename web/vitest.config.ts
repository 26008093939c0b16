import { defineConfig } from "vitest/config";

// Three projects: fast unit tests (fake sockets and timers; the SDK and the client's pure
// logic), system tests that start the real `chat` binaries against Postgres and NATS, and
// browser tests that drive the built client (`npm run build` first) in a real Chromium against
// those binaries. The last two are slow and run one file at a time: the machine has 2 cores.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["sdk/test/unit/**/*.test.ts", "client/test/unit/**/*.test.ts", "widget/test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "system",
          include: ["sdk/test/system/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          include: ["client/test/browser/**/*.test.ts", "widget/test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
