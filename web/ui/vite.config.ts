/**
 * Vite: the interface's build (into `dist/`, served by the web server or the bridge) and its
 * dev server. `npm run dev` proxies `/session`, `/web` and `/api` (with the stream) to the web server
 * at OPTIONS_NT_WEB_URL (default http://127.0.0.1:8080), which holds the bridge's tokens.
 */
import { fileURLToPath } from "node:url";

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const webServer = process.env.OPTIONS_NT_WEB_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: {
      "@options-nt/client": fileURLToPath(new URL("../client/src/index.ts", import.meta.url)),
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      "/session": { target: webServer, changeOrigin: false },
      "/web": { target: webServer, changeOrigin: false },
      "/api": { target: webServer, ws: true, changeOrigin: false },
    },
  },
  test: { include: ["test/**/*.test.ts", "test/**/*.test.tsx"] },
});
