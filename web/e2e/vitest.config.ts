import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*.e2e.test.ts"],
    // One paper node, the web server and Chromium on a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
