#!/usr/bin/env node
/**
 * `options-nt-web`: serve the trader interface and relay it to a running bridge.
 *
 *     node web/server/dist/main.js --bridge http://127.0.0.1:8765 --port 8080
 *
 * Prints one line `options-nt web: http://HOST:PORT (bridge http://...)` once listening.
 */
import { createWebServer } from "./app.js";
import { loadConfig } from "./config.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`options-nt web: ${(error as Error).message}`);
    process.exit(2);
  }
  const web = createWebServer(config);
  const url = await web.listen();
  console.log(`options-nt web: ${url} (bridge ${config.bridgeUrl})`);
  const stop = () => void web.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
