import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start their own Redis, servers and child processes; running files one
    // after another keeps the 2-core CI machine from starving them.
    fileParallelism: false,
    globalSetup: ["test/global-setup.ts"],
  },
});
