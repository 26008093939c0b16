import { defineConfig } from "vitest/config";

// Two projects: fast unit tests (fake sockets and timers), and system tests that start the real
// `chat` binaries against Postgres and NATS (slow, one file at a time: the machine has 2 cores).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["sdk/test/unit/**/*.test.ts"],
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
    ],
  },
});
